import type { RunEvent } from '../engine/events.js';
import { colorForcedByEnv, createPalette, type Palette } from './ansi.js';
import {
  formatDryRunBanner,
  formatPlayHeader,
  formatResultDiffs,
  formatResultLine,
  formatTaskOutput,
  formatUnreachableLine,
} from './lines.js';
import { formatRecapTable, RecapTally } from './recap.js';
import { HeldOutput } from './held-output.js';
import type { Reporter, ReporterOptions } from './types.js';

/**
 * Ansible-like line output for logs and pipes. Lines are written as events arrive
 * (hosts run concurrently, so results interleave) and nothing is ever rewritten; the lines
 * of one turn of the event loop go out in one write (HeldOutput).
 */
export class PlainReporter implements Reporter {
  private readonly palette: Palette;
  private readonly tally = new RecapTally();
  private dryRun = false;
  private finished = false;
  private readonly out: HeldOutput;

  constructor(private readonly options: ReporterOptions) {
    this.out = new HeldOutput(options.out);
    this.palette = createPalette(options.color ?? colorForcedByEnv());
  }

  onEvent(event: RunEvent): void {
    this.tally.observe(event);
    const text = this.render(event);
    if (text !== undefined) this.out.write(`${text}\n`);
  }

  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.out.write(`\n${formatRecapTable(this.tally.recap(), this.palette)}\n`);
    this.out.flush();
  }

  private render(event: RunEvent): string | undefined {
    const { palette } = this;
    switch (event.type) {
      case 'run_start':
        this.dryRun = event.dryRun;
        return event.dryRun ? formatDryRunBanner(palette) : undefined;
      case 'play_start':
        return `\n${formatPlayHeader(event.play, this.dryRun, palette)}`;
      case 'task_progress':
        return this.options.verbose ? palette.paint('dim', `  ... [${event.host}] ${event.task}: ${event.message}`) : undefined;
      case 'task_retry':
        return palette.paint('dim', `FAILED - RETRYING: [${event.host}]: ${event.task} (${event.retriesLeft} ${event.retriesLeft === 1 ? 'retry' : 'retries'} left).`);
      case 'task_result': {
        const line = formatResultLine(event, { verbose: this.options.verbose, palette });
        const output = (this.options.verbosity ?? 0) >= 1 ? formatTaskOutput(event, palette) : '';
        const diffs = this.options.diff ? formatResultDiffs(event, palette) : '';
        return [line, output, diffs].filter(Boolean).join('\n');
      }
      case 'host_unreachable':
        return formatUnreachableLine(event.host, event.message, palette);
      case 'task_start':
      case 'play_end':
      case 'recap':
        // task_start is noise with concurrent hosts; the recap is printed by finish().
        return undefined;
    }
  }
}
