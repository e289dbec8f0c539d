import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHostCertificate, describeCertificate, describeKey, plainPublicKey, type CertificateAuthority, type CertificateVerdict } from './host-certificate.js';
import { fetchHostCertificate, KeyscanUnreachableError, type CertificateFetch } from './keyscan.js';
import { fingerprint, keyType, type KnownHostEntries } from './known-hosts.js';

/**
 * Trust in a host through a `@cert-authority` line. ssh2 negotiates plain host keys only, so the
 * handshake proves the host holds the private key of its plain key K, and the certificate for K
 * comes from another place: the host itself (keyscan.ts, before the handshake on first contact)
 * or the copy kept from an earlier run. Either way it is re-checked on every connection against
 * the known_hosts file as it is now (CA key, @revoked), the clock, the name and K, so the kept
 * copy is exactly as strong as a fresh fetch: a certificate is the CA's signed statement, public
 * data. A copy that no longer verifies (expired, renewed, the host's key changed) is fetched again;
 * so the no-op rerun stays at one connection per host.
 *
 * The copies live next to the known_hosts file, in `<known_hosts>.certificates/`, one file per
 * host named by a hash of its known_hosts name (hashed known_hosts files stay unreadable),
 * in OpenSSH's public key format (`ssh-keygen -L -f FILE` shows one).
 */
export class CertificateTrust {
  private cached?: Buffer;
  private fetched?: CertificateFetch | { error: string };
  /** Why the host cannot be reached, when the fetch before the handshake found out. */
  unreachable?: string;

  constructor(
    private readonly target: { address: string; port: number; knownHostsFile: string; connectTimeoutMs: number },
    private readonly name: string,
    private readonly entries: KnownHostEntries,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Before the handshake: the kept certificate, or else the host's own (first contact). Returns
   * the plain key types to prefer in the handshake, so the host shows the key its certificate is for.
   * A kept copy that no longer holds for any key (expired, CA gone or revoked, name not listed) is
   * replaced here, before the handshake, rather than during it.
   */
  async prepare(): Promise<string[]> {
    const kept = readCachedCertificate(this.target.knownHostsFile, this.name);
    if (kept) {
      // Checked for the key it certifies: what the handshake's key must then be.
      const verdict = this.check(kept, plainPublicKey(kept));
      if (verdict.trusted) {
        this.cached = kept;
        this.log(`host certificate kept from an earlier run: ${cacheFile(this.target.knownHostsFile, this.name)}`);
        return [keyType(verdict.certificate.key)];
      }
      this.log(`the kept host certificate is not accepted (${verdict.reason}): fetching the host's current one`);
    }
    // A host whose plain key is listed too is checked by that key first: no fetch unless it differs.
    if (this.entries.keys.length > 0) return [];
    if (!kept) this.log(`no host certificate kept for ${this.name}: fetching it from the host (a separate connection, first contact only)`);
    await this.fetch([]);
    return 'certificate' in this.fetched! ? [certifiedKeyType(this.fetched.certificate)].filter((t): t is string => t !== undefined) : [];
  }

  /**
   * During the handshake, for the host's key: how it is trusted through a certificate, or why
   * not (with the `file:line` of the CA line concerned). A kept copy for another key (the host's
   * key changed) is replaced by the host's current certificate, fetched once.
   */
  async verify(hostKey: Buffer): Promise<{ trusted: true; how: string } | { trusted: false; refusal: string }> {
    let verdict: CertificateVerdict | undefined;
    if (this.cached) {
      verdict = this.check(this.cached, hostKey);
      if (verdict.trusted) return { trusted: true, how: this.how(verdict, 'kept from an earlier run') };
      this.log(`the kept host certificate is not accepted (${verdict.reason}): fetching the host's current one`);
    }
    if (!this.fetched) {
      if (!this.cached) this.log(`no host certificate kept for ${this.name}, and the host key is not the one listed: fetching its certificate from the host`);
      await this.fetch([keyType(hostKey)]);
    }
    const fetched = this.fetched!;
    if ('error' in fetched) return this.refuse(hostKey, fetched.error, verdict);
    if ('missing' in fetched) return this.refuse(hostKey, fetched.missing, verdict);
    verdict = this.check(fetched.certificate, hostKey);
    if (!verdict.trusted) return this.refuse(hostKey, verdict.reason, verdict);
    const stored = storeCertificate(this.target.knownHostsFile, this.name, fetched.certificate);
    return { trusted: true, how: this.how(verdict, stored.error ? `fetched from the host; not kept: ${stored.error}` : `fetched from the host, kept in ${stored.file}`) };
  }

  private check(blob: Buffer, hostKey: Buffer): CertificateVerdict {
    return checkHostCertificate(blob, {
      hostKey,
      principal: this.target.address,
      authorities: this.authorities(),
      revoked: this.entries.revoked.map((r) => ({ blob: Buffer.from(r.blob, 'base64'), where: this.where(r.line) })),
      now: Date.now() / 1000,
    });
  }

  private async fetch(keyTypes: string[]): Promise<void> {
    try {
      this.fetched = await sharedFetch(this.target.address, this.target.port, keyTypes, this.target.connectTimeoutMs);
    } catch (error) {
      this.fetched = { error: (error as Error).message };
      // A dead host costs one connect timeout, not two (the fetch's, then the handshake's).
      if (error instanceof KeyscanUnreachableError) this.unreachable = (error as Error).message;
    }
  }

  private authorities(): CertificateAuthority[] {
    return this.entries.certAuthorities.map((ca) => ({ blob: Buffer.from(ca.blob, 'base64'), where: this.where(ca.line) }));
  }

  private where(line: number | undefined): string {
    return `${this.target.knownHostsFile}:${line ?? '?'}`;
  }

  private how(verdict: Extract<CertificateVerdict, { trusted: true }>, source: string): string {
    return `trusted through its host certificate (${describeCertificate(verdict.certificate)}) signed by the @cert-authority ${describeKey(verdict.authority.blob)} at ${verdict.authority.where}; certificate ${source}`;
  }

  private refuse(hostKey: Buffer, reason: string, verdict?: CertificateVerdict): { trusted: false; refusal: string } {
    const where = (verdict && !verdict.trusted && verdict.authority?.where) || this.where(this.entries.certAuthorities[0]?.line);
    // Trust through a CA is never replaced by trust on first use, even with --accept-new-host-keys.
    return {
      trusted: false,
      refusal: `${where} trusts a @cert-authority for ${this.name}, but the host's certificate is not accepted: ${reason} (host key ${keyType(hostKey)} ${fingerprint(hostKey)}); refusing to connect.`,
    };
  }
}

/** One fetch per sshd and key types at a time: many inventory aliases of one host share it. */
const fetches = new Map<string, Promise<CertificateFetch>>();
function sharedFetch(address: string, port: number, keyTypes: string[], timeoutMs: number): Promise<CertificateFetch> {
  const key = `${address}:${port}:${keyTypes.join(',')}`;
  let fetch = fetches.get(key);
  if (!fetch) {
    fetch = fetchHostCertificate(address, port, keyTypes, timeoutMs);
    fetches.set(key, fetch);
    // Only while it runs: a later connection reads the kept copy, or fetches what the host has then.
    const forget = () => fetches.delete(key);
    fetch.then(forget, forget);
  }
  return fetch;
}

function certifiedKeyType(blob: Buffer): string | undefined {
  try {
    return keyType(plainPublicKey(blob));
  } catch {
    return undefined;
  }
}

/** Where the certificate for one known_hosts name is kept. */
export function cacheFile(knownHostsFile: string, name: string): string {
  return join(`${knownHostsFile}.certificates`, `${createHash('sha256').update(name).digest('hex').slice(0, 32)}-cert.pub`);
}

/** Kept certificates read in this process, by file, with the version of the file they were read from. */
const keptCertificates = new Map<string, { version: string; blob: Buffer | undefined }>();

/**
 * A kept certificate, or undefined (none, unreadable or garbage: it is fetched again then). Read
 * once per version of its file: the inventory aliases of one sshd share it.
 */
function readCachedCertificate(knownHostsFile: string, name: string): Buffer | undefined {
  const file = cacheFile(knownHostsFile, name);
  try {
    const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (!stat) return undefined;
    const version = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
    const kept = keptCertificates.get(file);
    if (kept?.version === version) return kept.blob;
    const text = stat.size > 64 * 1024 ? '' : readFileSync(file, 'utf8');
    const [, base64] = text.trim().split(/\s+/);
    const blob = base64 ? Buffer.from(base64, 'base64') : undefined;
    keptCertificates.set(file, { version, blob });
    return blob;
  } catch {
    return undefined;
  }
}

/** Keeps a verified certificate, written atomically (a temp file renamed over the old copy). */
function storeCertificate(knownHostsFile: string, name: string, blob: Buffer): { file: string; error?: string } {
  const file = cacheFile(knownHostsFile, name);
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(temp, `${keyType(blob)} ${blob.toString('base64')}\n`, { mode: 0o644, flag: 'wx' });
    renameSync(temp, file);
    return { file };
  } catch (error) {
    rmSync(temp, { force: true });
    return { file, error: (error as Error).message };
  }
}
