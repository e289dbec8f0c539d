import { LockedVaultValue } from './locked.js';

/**
 * Values that came from a vault are secrets in every output. The loaders mark them here as they
 * decrypt (every string of an encrypted file, every inline `!vault` value, and the mappings and
 * lists holding them); the engine asks `isSecret` for what a task reads, and the CLI passes every
 * event and error through `redact`, which replaces the text of any secret with '********'.
 */

const secretTexts = new Set<string>();
const secretNodes = new WeakSet<object>();
/** Secrets shorter than this are not searched for inside other text (every 'on' would go). */
const MIN_SCRUB_LENGTH = 4;
/** Lines of a multi-line secret at least this long are secrets on their own. */
const MIN_LINE_LENGTH = 8;
let scrubPattern: RegExp | undefined;

export const REDACTED = '********';

/** Marks a value (and everything inside it) as secret. Returns the value. */
export function markSecret<T>(value: T): T {
  if (typeof value === 'string') {
    if (value !== '' && !secretTexts.has(value)) {
      secretTexts.add(value);
      // Each line too: a multi-line secret printed in a diff or a message shows line by line.
      for (const line of value.split('\n')) if (line !== value && line.trim().length >= MIN_LINE_LENGTH) secretTexts.add(line);
      scrubPattern = undefined;
    }
  } else if (typeof value === 'object' && value !== null && !secretNodes.has(value)) {
    secretNodes.add(value);
    for (const inner of Object.values(value)) markSecret(inner);
  }
  return value;
}

/** Marks a mapping or list as holding secrets, without making its other values secret. */
export function markSecretNode(node: object): void {
  secretNodes.add(node);
}

/** Whether the value itself came from a vault (a mapping or list holding vault values counts). */
export function isSecret(value: unknown): boolean {
  if (typeof value === 'string') return secretTexts.has(value);
  return typeof value === 'object' && value !== null && secretNodes.has(value);
}

let secretReads = 0;

/** Called by the template engine for every variable it reads: counts reads of vault values. */
export function noteRead(value: unknown): void {
  // An inline vault value no password opened: reading it is the error (Ansible's, at use).
  if (value instanceof LockedVaultValue) value.toString();
  if (secretTexts.size > 0 && isSecret(value)) secretReads++;
}

/** Runs `render` and tells whether it read a vault value (even one it then transformed: `| b64encode`). */
export function readsSecret<T>(render: () => T): { value: T; secret: boolean } {
  const before = secretReads;
  const value = render();
  return { value, secret: secretReads !== before };
}

/** Whether a value holds a vault value anywhere (as a whole string, or inside one). */
export function holdsSecret(value: unknown): boolean {
  if (secretTexts.size === 0) return false;
  if (typeof value === 'string') return secretTexts.has(value) || redactText(value) !== value;
  if (typeof value === 'object' && value !== null) return secretNodes.has(value) || Object.values(value).some(holdsSecret);
  return false;
}

export function hasSecrets(): boolean {
  return secretTexts.size > 0;
}

/** Text with every secret in it replaced by '********'. */
export function redactText(text: string): string {
  if (secretTexts.size === 0 || text === '') return text;
  if (!scrubPattern) {
    const texts = [...secretTexts].filter((t) => t.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
    if (texts.length === 0) return secretTexts.has(text) ? REDACTED : text;
    scrubPattern = new RegExp(texts.map(escapeRegExp).join('|'), 'g');
  }
  if (secretTexts.has(text)) return REDACTED;
  return text.replace(scrubPattern, REDACTED);
}

/** A deep copy with every string passed through redactText (objects without secrets are returned as they are). */
export function redact<T>(value: T): T {
  if (secretTexts.size === 0) return value;
  return redactDeep(value) as T;
}

function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) {
    const items = value.map(redactDeep);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      copy[key] = redactDeep(inner);
      if (copy[key] !== inner) changed = true;
    }
    return changed ? copy : value;
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
