import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { shellQuote } from '../util/shell.js';
import type { FileWriteOptions, RemoteStep } from './types.js';

/**
 * Sent after each file's content: the write reads it with the shell's own `read`, so a connection
 * dropped before the last byte (stdin ends early, `head` writes a short file) fails the write,
 * and the check costs no process on the host.
 */
export const WRITE_END = Buffer.from('.end\n');

/**
 * Reads `size` bytes of stdin into a temp file beside the target, created under umask 077 and
 * noclobber (never readable by others, never an existing file or link), reads the end marker
 * after them (a dropped connection leaves a short file, never renamed), sets owner and mode,
 * then renames it over the target. `$t` names the temp file while it exists, for the cleanup trap.
 * Owner and group are set only when given: the plan passes the file's current ones.
 */
export function atomicWriteStep(path: string, size: number, options: FileWriteOptions, sha256?: string): string {
  const target = shellQuote(path);
  const dir = posix.dirname(path);
  // The writing shell's PID is part of the name: a temp file whose writer is gone is a crashed run's.
  const temp = `${shellQuote(posix.join(dir, TEMP_PREFIX))}$$.${randomBytes(6).toString('hex')}`;
  const owner = options.owner === undefined && options.group === undefined ? undefined : `${options.owner ?? ''}${options.group !== undefined ? `:${options.group}` : ''}`;
  const shown = path.replace(/["\\$`]/g, '');
  return [
    removeStaleTemps(dir),
    `t=${temp}`,
    `umask 077; set -C; head -c ${size} > "$t"; s=$?; set +C; umask "$u"; [ $s -eq 0 ]`,
    // head -c reads no more than its bytes; read takes the end marker a byte at a time.
    `{ IFS= read -r w && [ "$w" = ${WRITE_END.toString().trim()} ]; } || { echo "short write to ${shown}: connection lost" >&2; false; }`,
    ...(sha256 ? [`[ "$(sha256sum < "$t" | cut -c1-64)" = ${sha256} ] || { echo "${shown}: the source changed while it was sent" >&2; false; }`] : []),
    ...(owner ? [`chown ${shellQuote(owner)} "$t"`] : []),
    `chmod ${shellQuote(options.mode ?? '0644')} "$t"`,
    `mv -f -- "$t" ${target}`,
    't=',
  ].join(' && ');
}

/** runbook's temp files are `.runbook.<writer pid>.<random>`; nothing else is ever removed. */
export const TEMP_PREFIX = '.runbook.';

/**
 * Removes temp files of runbook writes whose writing shell no longer runs (a run that crashed
 * or lost its host before its trap could clean up). A live writer's file is left alone, and so
 * is every file not named exactly as runbook names them. Never fails the write.
 */
export function removeStaleTemps(dir: string): string {
  const pattern = `${shellQuote(posix.join(dir, TEMP_PREFIX))}[0-9]*.*`;
  return `{ [ -d /proc/self ] && for o in ${pattern}; do p=\${o##*/${TEMP_PREFIX}}; p=\${p%%.*}; case "$p" in ''|*[!0-9]*) continue;; esac; [ -f "$o" ] && [ ! -L "$o" ] && [ ! -d /proc/"$p" ] && rm -f -- "$o"; done; true; }`;
}

/**
 * Steps in one script: each prints a marker when made, the first failure stops the rest.
 * The traps remove a half-written temp file when the connection drops mid-transfer.
 */
export function combinedScript(steps: RemoteStep[], firstIndex: number): string {
  const lines = [`u=$(umask); t=`, `trap '[ -n "$t" ] && rm -f -- "$t"' EXIT`, `trap 'exit 129' HUP INT TERM PIPE`];
  steps.forEach((step, i) => {
    lines.push(`{ ${step.script}\n} && echo @${firstIndex + i} || exit 90`);
  });
  return lines.join('\n');
}

/** The index of the last step a combined script reported made, or -1. */
export function lastStepMade(stdout: string): number {
  const markers = stdout.match(/^@(\d+)$/gm);
  return markers ? Number(markers[markers.length - 1].slice(1)) : -1;
}

export function readFileCommand(path: string): string {
  return `cat -- ${shellQuote(path)}`;
}
