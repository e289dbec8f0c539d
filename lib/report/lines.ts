import type { TaskStatus } from '../engine/events.js';
import { NO_COLOR, type Palette, type Style } from './ansi.js';
import { formatDiff } from './diff-format.js';
import { formatDuration } from './recap.js';
import type { TaskResultEvent } from './types.js';

/** Line formats shared by the plain and tty reporters, so both read the same. */

const STATUS_LABEL: Record<TaskStatus, string> = {
  ok: 'ok',
  changed: 'changed',
  failed: 'failed',
  skipped: 'skipping',
  unreachable: 'unreachable',
};

const STATUS_STYLE: Record<TaskStatus, Style> = {
  ok: 'green',
  changed: 'yellow',
  failed: 'red',
  skipped: 'cyan',
  unreachable: 'red',
};

const MAX_ITEM_LENGTH = 60;

export function formatPlayHeader(play: string, dryRun: boolean, palette: Palette = NO_COLOR): string {
  return palette.paint('bold', `PLAY [${play}]${dryRun ? ' (dry-run)' : ''}`);
}

export function formatDryRunBanner(palette: Palette = NO_COLOR): string {
  return palette.paint('magenta', 'DRY RUN: nothing will be changed ("would change" marks what a real run would do)');
}

/** `changed: [host01] Install nginx (installed 1.24)`; in dry-run `would change: ...`. */
export function formatResultLine(event: TaskResultEvent, options: { verbose?: boolean; palette?: Palette } = {}): string {
  const palette = options.palette ?? NO_COLOR;
  const label = event.ignored ? 'failed, ignored' : event.dryRun && event.status === 'changed' ? 'would change' : STATUS_LABEL[event.status];
  const style: Style = event.ignored ? 'magenta' : STATUS_STYLE[event.status];
  const [firstLine, ...moreLines] = (event.message ?? '').split('\n');
  let line = `${palette.paint(style, `${label}: [${event.host}]`)} ${taskLabel(event)}`;
  if (firstLine) line += ` (${event.ignored ? firstLine.replace(/^failed, ignored: /, '') : firstLine})`;
  if (options.verbose) line += palette.paint('dim', ` [${formatDuration(event.durationMs)}]`);
  // Multi-line messages (a command's stderr) stay readable under their result line.
  for (const extra of moreLines) line += `\n    ${extra}`;
  return line;
}

export function formatUnreachableLine(host: string, message: string, palette: Palette = NO_COLOR): string {
  return `${palette.paint('red', `unreachable: [${host}]`)} ${message}`;
}

/** The diffs of a result, indented under it; empty when there is nothing to show. */
export function formatResultDiffs(event: TaskResultEvent, palette: Palette = NO_COLOR): string {
  if (!event.diff || event.diff.length === 0) return '';
  return event.diff
    .map((diff) => formatDiff(diff, palette))
    .join('\n')
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

export function taskLabel(event: { task: string; handler: boolean; item?: unknown }): string {
  let label = event.handler ? `handler: ${event.task}` : event.task;
  if (event.item !== undefined) label += ` => (item=${formatItem(event.item)})`;
  return label;
}

function formatItem(item: unknown): string {
  let text: string;
  try {
    text = typeof item === 'string' ? item : (JSON.stringify(item) ?? String(item));
  } catch {
    text = String(item); // circular structures
  }
  return text.length > MAX_ITEM_LENGTH ? `${text.slice(0, MAX_ITEM_LENGTH - 1)}…` : text;
}

/** -v: a command's rc, stdout and stderr under its result line (absent under no_log). */
export function formatTaskOutput(event: TaskResultEvent, palette: Palette = NO_COLOR): string {
  if (event.rc === undefined && event.stdout === undefined && event.stderr === undefined) return '';
  const lines = [palette.paint('dim', `    rc=${event.rc ?? '?'}`)];
  for (const [name, text] of [['stdout', event.stdout], ['stderr', event.stderr]] as const) {
    if (!text) continue;
    lines.push(palette.paint('dim', `    ${name}:`), ...text.replace(/\n$/, '').split('\n').map((line) => `      ${line}`));
  }
  return lines.join('\n');
}
