import { randomBytes, randomInt } from 'node:crypto';
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
  const fill = [
    `umask 077; set -C; head -c ${size} > "$t"; s=$?; set +C; umask "$u"; [ $s -eq 0 ]`,
    // head -c reads no more than its bytes; read takes the end marker a byte at a time.
    `{ IFS= read -r w && [ "$w" = ${WRITE_END.toString().trim()} ]; } || { echo "short write to ${shownPath(path)}: connection lost" >&2; false; }`,
    ...(sha256 ? [`[ "$(sha256sum < "$t" | cut -c1-64)" = ${sha256} ] || { echo "${shownPath(path)}: the source changed while it was sent" >&2; false; }`] : []),
  ];
  return atomicStep(path, fill, options);
}

/**
 * The same atomic replacement with a file already on the host as the source (copy with
 * remote_src): copied into the temp file, checked against the checksum it was planned with.
 */
export function atomicCopyStep(source: string, path: string, sha256: string, options: FileWriteOptions): string {
  const fill = [
    `umask 077; set -C; cat -- ${shellQuote(source)} > "$t"; s=$?; set +C; umask "$u"; [ $s -eq 0 ]`,
    `[ "$(sha256sum < "$t" | cut -c1-64)" = ${sha256} ] || { echo "${shownPath(source)} changed while it was copied" >&2; false; }`,
  ];
  return atomicStep(path, fill, options);
}

const shownPath = (path: string) => path.replace(/["\\$`]/g, '');

/** Temp file beside the target, filled by `fill`, owner and mode set, validated, backup taken, renamed. */
function atomicStep(path: string, fill: string[], options: FileWriteOptions): string {
  const target = shellQuote(path);
  const dir = posix.dirname(path);
  // The writing shell's PID is part of the name: a temp file whose writer is gone is a crashed run's.
  const temp = `${shellQuote(posix.join(dir, TEMP_PREFIX))}$$.${randomBytes(6).toString('hex')}`;
  const owner = options.owner === undefined && options.group === undefined ? undefined : `${options.owner ?? ''}${options.group !== undefined ? `:${options.group}` : ''}`;
  return [
    removeStaleTemps(dir),
    `t=${temp}`,
    ...fill,
    ...(owner ? [`chown ${shellQuote(owner)} "$t"`] : []),
    `chmod ${shellQuote(options.mode ?? '0644')} "$t"`,
    ...(options.validate !== undefined ? [validateCommand(options.validate, path)] : []),
    ...(options.backup ? [backupCommand(path)] : []),
    `mv -f -- "$t" ${target}`,
    't=',
  ].join(' && ');
}

/**
 * Ansible's validate: the command with `%s` as the temp file, its output shown when it fails.
 * Ansible splits the command as a shell would and runs it without a shell; here sh runs it, so
 * quoting works the same and `%s` is always one word.
 */
export function validateCommand(validate: string, path: string): string {
  const command = validate.split('%s').join('"$t"');
  // stdin is the next steps' file content: the command must not read it.
  return `{ o=$( { ${command}
} 2>&1 </dev/null ) || { r=$?; printf 'failed to validate %s (rc %s): %s\n' ${shellQuote(shownPath(path))} "$r" "$o" >&2; false; }; }`;
}

/** Ansible's backup name, `<path>.<number>.<YYYY-MM-DD@HH:MM:SS>~` in the host's local time, copied with owner, mode and times. */
export function backupCommand(path: string): string {
  const target = shellQuote(path);
  // Ansible's pid part is a random number here: several backups of one file in one script and second stay apart.
  return `{ [ ! -e ${target} ] || cp -p -- ${target} ${target}".${randomInt(10_000, 4_000_000)}.$(date +%Y-%m-%d@%H:%M:%S)~"; }`;
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
