import { createRequire } from 'node:module';
import type * as ChildProcessModule from 'node:child_process';

// A require rather than import(), which the bundle cannot use (bin/load-bundle.js).
const require = createRequire(import.meta.url);

/**
 * node:child_process, loaded when a process is first started on the controller (a vault password
 * script, a pipe lookup, a local connection, unarchive's tar): an SSH run starts none, and loading
 * it (with dgram and the process bindings) is start-up every run would pay.
 */
export function childProcess(): typeof ChildProcessModule {
  return require('node:child_process') as typeof ChildProcessModule;
}
