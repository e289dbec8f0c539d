import type { RunEvent } from '../engine/events.js';
import { diffForJson } from './diff-format.js';
import { RecapTally } from './recap.js';
import { HeldOutput } from './held-output.js';
import type { RecapEvent, Reporter, ReporterOptions } from './types.js';

/**
 * JSON Lines for machines: one object per event, the recap always last so a
 * consumer can read the final line for the outcome. Live-only events
 * (task_start, task_progress) are left out. The lines of one turn of the event loop go out
 * in one write (HeldOutput).
 */
export class JsonReporter implements Reporter {
  private readonly tally = new RecapTally();
  private finished = false;
  private readonly out: HeldOutput;

  constructor(private readonly options: ReporterOptions) {
    this.out = new HeldOutput(options.out);
  }

  onEvent(event: RunEvent): void {
    this.tally.observe(event);
    switch (event.type) {
      case 'task_start':
      case 'task_progress':
      case 'recap': // held back until finish() so it is the last line whatever arrives after it
        return;
      case 'task_result': {
        const { diff } = event;
        // Without a diff the event is written as it is (JSON leaves out a key whose value is undefined).
        if (diff === undefined) this.writeLine(event);
        else this.writeLine(this.options.diff ? { ...withoutDiff(event), diff: diff.map(diffForJson) } : withoutDiff(event));
        return;
      }
      default:
        this.writeLine(event);
    }
  }

  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.writeLine(recapLine(this.tally.recap()));
    this.out.flush();
  }

  private writeLine(value: object): void {
    this.out.write(`${JSON.stringify(value)}\n`);
  }
}

/** The event without its diff, keys in order: as `const { diff, ...rest }`, without V8's slow generic copy a rest pattern makes. */
function withoutDiff(event: Extract<RunEvent, { type: 'task_result' }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(event) as Array<keyof typeof event>) if (key !== 'diff') out[key] = event[key];
  return out;
}

/** Fixed key order: type, hosts, then the extras, as consumers are promised. */
function recapLine(recap: RecapEvent): object {
  const hosts = Object.fromEntries(
    Object.entries(recap.hosts).map(([name, host]) => [
      name,
      // ansible-playbook's recap columns, in its order.
      { ok: host.ok, changed: host.changed, unreachable: host.unreachable, failed: host.failed, skipped: host.skipped, rescued: host.rescued ?? 0, ignored: host.ignored ?? 0, ...(host.interrupted ? { interrupted: true } : {}) },
    ]),
  );
  return { type: 'recap', hosts, transport: recap.transport, durationMs: recap.durationMs };
}
