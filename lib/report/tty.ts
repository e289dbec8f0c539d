import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { RunEvent } from '../engine/events.js';
import { colorWantedOnTerminal, createPalette, type Palette } from './ansi.js';
import {
  formatDryRunBanner,
  formatPlayHeader,
  formatResultDiffs,
  formatResultLine,
  formatTaskOutput,
  formatUnreachableLine,
} from './lines.js';
import { formatRecapTable, RecapTally } from './recap.js';
import { HostLine } from './tty-host-line.js';
import type { Reporter, ReporterOptions, TaskResultEvent } from './types.js';

/**
 * Live terminal view: per play, one listr2 line per host showing its current task
 * and `n/m tasks`. listr2 owns the screen while a play renders (it buffers anything
 * else written to the stream), so lasting output (failures, diffs) is collected and
 * printed once the play's view has closed; plays render one after the other.
 */
export class TtyReporter implements Reporter {
  private readonly palette: Palette;
  private readonly tally = new RecapTally();
  private screen: Promise<void> = Promise.resolve();
  private play: PlayView | undefined;
  private dryRun = false;
  private finished = false;

  constructor(private readonly options: ReporterOptions) {
    this.palette = createPalette(options.color ?? colorWantedOnTerminal());
  }

  onEvent(event: RunEvent): void {
    this.tally.observe(event);
    switch (event.type) {
      case 'run_start':
        this.dryRun = event.dryRun;
        if (event.dryRun) this.print(formatDryRunBanner(this.palette));
        return;
      case 'play_start': {
        this.play?.end();
        const play = new PlayView(event.play, event.hosts, event.tasks);
        this.play = play;
        this.onScreen(() => this.renderPlay(play));
        return;
      }
      case 'task_start':
        this.play?.knownHost(event.host)?.taskStarted(event);
        return;
      case 'task_retry':
        this.play?.knownHost(event.host)?.progress(`retrying (${event.retriesLeft} ${event.retriesLeft === 1 ? 'retry' : 'retries'} left)`);
        break;
      case 'task_progress':
        this.play?.knownHost(event.host)?.progress(event.message);
        return;
      case 'task_result':
        this.onResult(event);
        return;
      case 'host_unreachable': {
        const line = formatUnreachableLine(event.host, event.message, this.palette);
        const hostLine = this.play?.knownHost(event.host);
        hostLine?.unreachable(event.message);
        this.printLasting(line);
        return;
      }
      case 'play_end':
        this.play?.end();
        this.play = undefined;
        return;
      case 'recap':
        return; // counted by the tally, shown by finish()
    }
  }

  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    // An engine that stopped early leaves its play open: close it so listr2 lets go of the screen.
    this.play?.end();
    this.play = undefined;
    this.print(`\n${formatRecapTable(this.tally.recap(), this.palette)}`);
    await this.screen;
  }

  private onResult(event: TaskResultEvent): void {
    const hostLine = this.play?.knownHost(event.host);
    if (hostLine) {
      // Shown in the play's summary, under its host, once the live view closes.
      hostLine.result(event);
      return;
    }
    // A host the live view does not show still gets every result, as plain lines.
    const diffs = this.options.diff ? formatResultDiffs(event, this.palette) : '';
    const line = formatResultLine(event, { verbose: this.options.verbose, palette: this.palette });
    this.printLasting(diffs ? `${line}\n${diffs}` : line);
  }

  /** After a play: each host's changed (would change), failed and ignored tasks, one line each, diffs under them. */
  private playSummary(play: PlayView): string[] {
    const lines: string[] = [];
    for (const hostLine of play.lines()) {
      const verbose = (this.options.verbosity ?? 0) >= 1;
      const shown = verbose ? hostLine.results.filter((e) => hostLine.notable.includes(e) || e.rc !== undefined) : hostLine.notable;
      for (const event of shown) {
        const oneLine = { ...event, message: event.message?.split('\n')[0] };
        lines.push(formatResultLine(oneLine, { verbose: this.options.verbose, palette: this.palette }));
        const output = verbose ? formatTaskOutput(event, this.palette) : '';
        if (output) lines.push(output);
        const diffs = this.options.diff ? formatResultDiffs(event, this.palette) : '';
        if (diffs) lines.push(diffs);
      }
    }
    return lines;
  }

  /** After the current play's live view, or right away when none is open. */
  private printLasting(text: string): void {
    if (this.play) this.play.lasting.push(text);
    else this.print(text);
  }

  private print(text: string): void {
    this.onScreen(() => {
      this.options.out.write(`${text}\n`);
    });
  }

  /** Serialises screen use: one listr2 view at a time, lines in event order between them. */
  private onScreen(step: () => void | Promise<void>): void {
    this.screen = this.screen.then(step).catch((error: unknown) => {
      // The view is cosmetic: a rendering failure must not break the run or hide later output.
      this.options.out.write(`(live view failed: ${error instanceof Error ? error.message : String(error)})\n`);
    });
  }

  private async renderPlay(play: PlayView): Promise<void> {
    const { out } = this.options;
    out.write(`\n${formatPlayHeader(play.name, this.dryRun, this.palette)}\n`);
    const hostLines = play.startRendering(this.dryRun);
    if (hostLines.length > 0) {
      const listr = new Listr(
        hostLines.map((hostLine) => ({
          title: hostLine.title(),
          task: async (_ctx: unknown, task: { title: string; output: string }) => {
            hostLine.attach(task);
            await hostLine.ended$;
            const failure = hostLine.failure();
            if (failure !== undefined) throw new Error(failure);
          },
        })),
        listrOptions(out),
      );
      try {
        await listr.run();
      } catch {
        // Failures are the hosts' own, already shown on their lines and reported below.
      }
    }
    // A play without visible hosts still collects lasting lines until it ends.
    await play.ended$;
    for (const text of [...this.playSummary(play), ...play.lasting]) out.write(`${text}\n`);
  }
}

function listrOptions(out: NodeJS.WritableStream) {
  const stream = out as NodeJS.WriteStream;
  // Stray writes to process.stderr would tear the live view; listr2 buffers them if it owns stderr.
  const stderr = out === process.stdout ? process.stderr : stream;
  const rendererOptions = {
    logger: new ListrLogger({ useIcons: true, processOutput: new ProcessOutput(stream, stderr, { leaveEmptyLine: false }) }),
    collapseErrors: false,
    showErrorMessage: false,
  };
  return {
    concurrent: true,
    exitOnError: false,
    // The CLI owns SIGINT (it must close connections); listr2 would process.exit().
    registerSignalListeners: false,
    // The CLI picked this reporter because `out` is a terminal; listr2 would only look at process.stdout.
    renderer: 'default' as const,
    fallbackRenderer: 'default' as const,
    rendererOptions,
    fallbackRendererOptions: rendererOptions,
  };
}

/** A play's hosts. Hosts first seen after the view started cannot join it (listr2 fixes its task list at run). */
class PlayView {
  private readonly hosts = new Map<string, HostLine>();
  private rendering = false;
  readonly lasting: string[] = [];
  private resolveEnded!: () => void;
  readonly ended$: Promise<void> = new Promise((resolve) => (this.resolveEnded = resolve));

  constructor(
    readonly name: string,
    hostNames: string[],
    private readonly tasks: number,
  ) {
    for (const host of hostNames) this.hosts.set(host, new HostLine(host, tasks));
  }

  /** The host's line, created on first sight while the view can still take it. */
  knownHost(host: string): HostLine | undefined {
    let line = this.hosts.get(host);
    if (!line && !this.rendering) {
      line = new HostLine(host, this.tasks);
      this.hosts.set(host, line);
    }
    return line;
  }

  lines(): HostLine[] {
    return [...this.hosts.values()];
  }

  startRendering(dryRun: boolean): HostLine[] {
    this.rendering = true;
    const lines = [...this.hosts.values()];
    for (const line of lines) line.dryRun = dryRun;
    const labelWidth = Math.max(0, ...lines.map((line) => line.host.length));
    for (const line of lines) line.labelWidth = labelWidth;
    return lines;
  }

  end(): void {
    for (const line of this.hosts.values()) line.end();
    this.resolveEnded();
  }
}
