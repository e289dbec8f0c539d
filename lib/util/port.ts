import { InputError, type SourceLocation } from '../errors.js';

/** A TCP port from a number or a text of digits (what YAML, INI and templates give); `what` names the setting in the error. */
export function portNumber(value: unknown, what: string, location: SourceLocation | undefined): number {
  const port = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`${what} must be a port number between 1 and 65535, got ${JSON.stringify(value)}`, location);
  return port;
}
