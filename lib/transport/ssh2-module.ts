import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';

// ssh2 loads when first used, not with runbook: its initialisation (a sign-and-verify self-test,
// the cipher and curve lists, its native binding: OpenSSL's first use) is ~20 ms of CPU that a
// connection needs only once its socket is open, so the TCP connect (and sshd's accept) runs
// while it loads (ssh.ts opens the socket first). A require rather than import(): the bundle runs
// from V8's code cache, where import() has no loader to call (bin/load-bundle.js).
const require = createRequire(import.meta.url);

let loaded: typeof Ssh2 | undefined;

/** ssh2's exports, loaded on the first call. */
export function ssh2(): typeof Ssh2 {
  loaded ??= require('ssh2') as typeof Ssh2;
  return loaded;
}
