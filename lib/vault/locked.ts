import { InputError, type SourceLocation } from '../errors.js';

/**
 * An inline `!vault` value that could not be decrypted when it was loaded (no password given,
 * or none that opens it). As in Ansible, that is an error only when the value is used: turning
 * it into text throws, naming where it was written.
 */
export class LockedVaultValue {
  constructor(
    readonly vaultText: string,
    readonly reason: string,
    readonly location?: SourceLocation,
  ) {}

  toString(): string {
    throw new InputError(`cannot use the vault-encrypted value: ${this.reason}`, this.location);
  }

  /** As ansible-inventory --list shows an encrypted value. */
  toJSON(): { __ansible_vault: string } {
    return { __ansible_vault: this.vaultText };
  }
}
