import { createHash } from 'node:crypto';
import type { ExecResult, HostTransport, Privilege } from '../transport/types.js';
import type { FactRequest, HostFacts, PathState } from '../modules/types.js';
import { parseProbe, probeScript } from '../transport/probe.js';
import { readFileCommand } from '../transport/scripts.js';

/**
 * What runbook knows about one host, as one user: facts observed by batched probes, and
 * the states earlier tasks of this run predict. Wanted facts are fetched together, so a
 * no-op play costs one round trip however many tasks it has.
 */
export class FactCache implements HostFacts {
  private readonly states = new Map<string, PathState>();
  private readonly answers = new Map<string, ExecResult>();
  private readonly contents = new Map<string, Buffer | undefined>();
  private readonly reading = new Map<string, Promise<Buffer | undefined>>();
  private fetching?: Promise<void>;
  private readonly wantedPaths = new Set<string>();
  private readonly wantedQueries = new Set<string>();
  /** Paths whose state is a prediction, not an observation: never read them from the host. */
  private readonly predicted = new Set<string>();

  constructor(
    private readonly transport: () => Promise<HostTransport>,
    private readonly privilege: Privilege,
  ) {}

  want(requests: FactRequest[]): void {
    for (const request of requests) {
      if (typeof request === 'string') this.wantedPaths.add(request);
      else this.wantedQueries.add(request.query);
    }
  }

  async path(path: string): Promise<PathState> {
    if (!this.states.has(path)) {
      this.wantedPaths.add(path);
      await this.fetch();
    }
    return { ...this.states.get(path)! };
  }

  async query(command: string): Promise<ExecResult> {
    if (!this.answers.has(command)) {
      this.wantedQueries.add(command);
      await this.fetch();
    }
    return this.answers.get(command)!;
  }

  async content(path: string): Promise<Buffer | undefined> {
    if (this.contents.has(path)) return this.contents.get(path);
    // Many hosts copying one file from this host ask at once: read it once.
    let reading = this.reading.get(path);
    if (!reading) {
      reading = this.read(path).finally(() => this.reading.delete(path));
      this.reading.set(path, reading);
    }
    return reading;
  }

  private async read(path: string): Promise<Buffer | undefined> {
    const state = await this.path(path);
    if (!state.exists || state.type !== 'file' || this.predicted.has(path)) return undefined;
    const transport = await this.transport();
    const result = await transport.exec(readFileCommand(path), this.privilege);
    const content = result.code === 0 ? result.stdout : undefined;
    this.contents.set(path, content);
    return content;
  }

  /** Record the state a task brings a path to (in dry-run too), so later tasks plan against it. */
  predict(states: PathState[], contents: Map<string, Buffer> = new Map()): void {
    for (const state of states) {
      this.states.set(state.path, { ...state });
      this.predicted.add(state.path);
      const content = contents.get(state.path);
      this.contents.set(state.path, content);
      if (content && !state.sha256) this.states.get(state.path)!.sha256 = createHash('sha256').update(content).digest('hex');
    }
  }

  /**
   * A command ran: anything may have changed. Wanted facts are probed again, together, when
   * next asked. A dry-run keeps its predictions: they stand for changes not made.
   */
  invalidate(options: { keepPredicted?: boolean } = {}): void {
    for (const path of [...this.states.keys()]) {
      if (options.keepPredicted && this.predicted.has(path)) continue;
      this.states.delete(path);
      this.contents.delete(path);
      this.predicted.delete(path);
    }
    this.answers.clear();
  }

  /** A task has run: its facts need not be probed again after a later command. */
  unwant(requests: FactRequest[]): void {
    for (const request of requests) {
      if (typeof request === 'string') this.wantedPaths.delete(request);
      else this.wantedQueries.delete(request.query);
    }
  }

  /** One probe at a time: questions asked meanwhile go in the next one, or are answered by this one. */
  private async fetch(): Promise<void> {
    while (this.fetching) await this.fetching;
    this.fetching = this.probe().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async probe(): Promise<void> {
    const paths = [...this.wantedPaths].filter((p) => !this.states.has(p));
    const queries = [...this.wantedQueries].filter((q) => !this.answers.has(q));
    if (paths.length === 0 && queries.length === 0) return;
    const transport = await this.transport();
    const result = await transport.exec(probeScript(paths, queries), this.privilege);
    const answer = parseProbe(result.stdout, paths, queries);
    for (const [path, state] of answer.paths) this.states.set(path, state);
    queries.forEach((query, i) => this.answers.set(query, answer.queries[i]));
  }
}
