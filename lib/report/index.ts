import { JsonReporter } from './json.js';
import { PlainReporter } from './plain.js';
import type { Reporter, ReporterKind, ReporterOptions } from './types.js';

export type { Reporter, ReporterKind, ReporterOptions } from './types.js';
export { formatDiff, diffForJson } from './diff-format.js';
export { formatRecapTable, formatDuration, RecapTally } from './recap.js';
export { formatResultLine } from './lines.js';

/**
 * The reporter for an output kind; the CLI picks `tty` only when stdout is a terminal.
 * listr2 is loaded only for the live view: it costs a noticeable part of start-up.
 */
export async function createReporter(kind: ReporterKind, options: ReporterOptions): Promise<Reporter> {
  switch (kind) {
    case 'tty': {
      const { TtyReporter } = await import('./tty.js');
      return new TtyReporter(options);
    }
    case 'plain':
      return new PlainReporter(options);
    case 'json':
      return new JsonReporter(options);
  }
}
