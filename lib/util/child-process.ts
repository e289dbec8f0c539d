import type * as ChildProcessModule from 'node:child_process';
import { lazyModule } from './lazy-module.js';

/**
 * node:child_process, loaded when a process is first started on the controller (a vault password
 * script, a pipe lookup, a local connection, unarchive's tar): an SSH run starts none, and loading
 * it (with dgram and the process bindings) is start-up every run would pay.
 */
export const childProcess = lazyModule<typeof ChildProcessModule>('node:child_process');
