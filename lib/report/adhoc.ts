import type { RunEvent } from '../engine/events.js';
import { colorForcedByEnv, colorWantedOnTerminal, createPalette, type Palette, type Style } from './ansi.js';
import { formatResultDiffs } from './lines.js';
import type { Reporter, ReporterOptions, TaskResultEvent } from './types.js';

/**
 * `runbook run` (ad-hoc) results, one block per host as `ansible` prints them:
 * `web01 | CHANGED | rc=0 >>` and the command's output, or `web01 | SUCCESS => message`.
 */
export class AdhocReporter implements Reporter {
  private readonly palette: Palette;
  private dryRun = false;

  constructor(
    private readonly options: ReporterOptions,
    terminal: boolean,
  ) {
    this.palette = createPalette(options.color ?? (terminal ? colorWantedOnTerminal() : colorForcedByEnv()));
  }

  onEvent(event: RunEvent): void {
    if (event.type === 'run_start') this.dryRun = event.dryRun;
    if (event.type === 'task_result') this.write(this.block(event));
  }

  async finish(): Promise<void> {}

  private block(event: TaskResultEvent): string {
    const ignoredFailure = event.ignored === true;
    const [state, style]: [string, Style] =
      event.status === 'unreachable' ? ['UNREACHABLE!', 'red']
        : event.status === 'failed' || ignoredFailure ? ['FAILED', 'red']
          : event.status === 'changed' ? [this.dryRun ? 'WOULD CHANGE' : 'CHANGED', 'yellow']
            : event.status === 'skipped' ? ['SKIPPED', 'cyan']
              : ['SUCCESS', 'green'];
    let text: string;
    if (event.rc !== undefined && event.status !== 'unreachable') {
      const output = [event.stdout, event.stderr].filter((s) => s !== undefined && s !== '').join('\n');
      text = `${this.palette.paint(style, `${event.host} | ${state} | rc=${event.rc} >>`)}\n${output}`;
    } else {
      text = `${this.palette.paint(style, `${event.host} | ${state}${event.status === 'failed' ? '!' : ''} =>`)} ${event.message ?? (event.status === 'changed' ? 'changed' : 'ok')}`;
    }
    const diffs = this.options.diff ? formatResultDiffs(event, this.palette) : '';
    return diffs ? `${text}\n${diffs}` : text;
  }

  private write(text: string): void {
    this.options.out.write(`${text.replace(/\n+$/, '')}\n`);
  }
}
