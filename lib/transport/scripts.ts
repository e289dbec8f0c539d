import { shellQuote } from '../util/shell.js';
import type { FileWriteOptions } from './types.js';

/**
 * Writes stdin to a temp file beside the target (created 0600 by mktemp, so a key is
 * never readable by others), sets owner and mode, checks the size (a dropped connection
 * leaves a short file behind, never renamed), then renames it over the target.
 */
export function atomicWriteScript(path: string, size: number, options: FileWriteOptions): string {
  const target = shellQuote(path);
  const lines = [
    'set -e',
    `t=$(mktemp "$(dirname -- ${target})/.runbook.XXXXXX")`,
    `trap 'rm -f "$t"' EXIT`,
    `trap 'rm -f "$t"; exit 1' HUP INT TERM PIPE`,
    'cat > "$t"',
    `[ "$(wc -c < "$t")" -eq ${size} ] || { echo "short write: connection lost" >&2; exit 1; }`,
  ];
  const owner = [options.owner, options.group].every((v) => v === undefined)
    ? undefined
    : `${options.owner ?? ''}${options.group !== undefined ? `:${options.group}` : ''}`;
  // Without explicit owner/mode a replaced file keeps its own; a new file gets root's defaults.
  if (owner) lines.push(`chown ${shellQuote(owner)} "$t"`);
  else lines.push(`[ -e ${target} ] && chown --reference=${target} "$t" || true`);
  if (options.mode) lines.push(`chmod ${shellQuote(options.mode)} "$t"`);
  else lines.push(`if [ -e ${target} ]; then chmod --reference=${target} "$t"; else chmod 0644 "$t"; fi`);
  lines.push(`mv -f -- "$t" ${target}`, 'trap - EXIT');
  return lines.join('\n');
}

export function readFileCommand(path: string): string {
  return `cat -- ${shellQuote(path)}`;
}
