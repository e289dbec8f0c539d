import type * as Ssh2 from 'ssh2';
import { lazyModule } from '../util/lazy-module.js';

// ssh2 loads when first used, not with runbook: its initialisation (a sign-and-verify self-test,
// the cipher and curve lists, its native binding: OpenSSL's first use) is ~20 ms of CPU that a
// connection needs only once its socket is open, so the TCP connect (and sshd's accept) runs
// while it loads (ssh.ts opens the socket first).

/** ssh2's exports, loaded on the first call. */
export const ssh2 = lazyModule<typeof Ssh2>('ssh2');
