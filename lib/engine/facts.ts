import { sha256Hex } from '../util/digest.js';
import type { HostTransport, Privilege } from '../transport/types.js';
import type { HostFacts } from '../modules/types.js';
import { FactError, requestKey, type FactRequest, type FactValue } from '../facts/kind.js';
import { observedPathKind, pathFact, pathKind, type ObservedPath, type ObservedPathParam, type PathState } from '../facts/path.js';
import type { TargetRecords } from './file-records.js';
import { fileContentFact } from '../facts/content.js';
import { parseProbe, planProbe } from '../facts/probe.js';

interface Entry {
  request: FactRequest;
  value: unknown;
  /** A prediction (what a task brings about), not an observation. */
  predicted: boolean;
}

/**
 * What runbook knows about one host, as one user: facts observed by batched probes, and the
 * values earlier tasks of this run predict. Wanted facts are fetched together, so a no-op play
 * costs one round trip however many tasks and kinds it has. A probe that fails, or answers
 * something its kind cannot parse, rejects every question it was to answer (FactError naming
 * the host and the tool): nothing is ever read as absent because it could not be seen.
 */
export class FactCache implements HostFacts {
  private readonly entries = new Map<string, Entry>();
  private readonly wanted = new Map<string, FactRequest>();
  /** Paths tasks of this run wrote (or would write), with the content they predict when known. */
  private readonly predictedPaths = new Map<string, Buffer | undefined>();
  private fetching?: Promise<void>;

  constructor(
    private readonly transport: () => Promise<HostTransport>,
    private readonly privilege: Privilege,
    private readonly host: string,
    private readonly timeoutMs?: number,
    /** The target's file records (file-records.ts): a recorded file whose identity holds is not hashed. */
    private readonly records?: TargetRecords,
  ) {}

  want(requests: FactRequest[]): void {
    for (const request of requests) this.wanted.set(requestKey(request), request);
  }

  /** A task has run: its facts need not be probed again after a later command. */
  unwant(requests: FactRequest[]): void {
    for (const request of requests) this.wanted.delete(requestKey(request));
  }

  async get<V>(request: FactRequest<V>): Promise<V> {
    const key = requestKey(request);
    for (let attempt = 0; !this.entries.has(key); attempt++) {
      if (attempt > 2) throw new FactError(request.kind.name, `no answer for ${request.kind.key(request.param)}`, this.host);
      this.wanted.set(key, request);
      await this.fetch();
    }
    return this.entries.get(key)!.value as V;
  }

  async path(path: string): Promise<PathState> {
    return { ...(await this.get(pathFact(path))) };
  }

  /** File content: a prediction if a task of this run wrote it, else read by a probe. Undefined when absent or unreadable. */
  async content(path: string): Promise<Buffer | undefined> {
    if (this.predictedPaths.has(path)) return this.predictedPaths.get(path);
    const state = await this.path(path);
    if (!state.exists || state.type !== 'file') return undefined;
    const file = await this.get(fileContentFact(path));
    return file.readable ? file.content : undefined;
  }

  /** Record the state a task brings paths to (in dry-run too), so later tasks plan against it. */
  predict(states: PathState[], contents: Map<string, Buffer> = new Map()): void {
    for (const state of states) {
      // Written (or, in a dry-run, to be): its record's identity is gone. Hashed in the next run's first probe, not after a miss.
      this.records?.delete(state.path);
      const content = contents.get(state.path);
      const value = { ...state };
      if (content && !value.sha256) value.sha256 = sha256Hex(content);
      this.entries.set(requestKey(pathFact(state.path)), { request: pathFact(state.path), value, predicted: true });
      this.predictedPaths.set(state.path, content);
      for (const [key, entry] of this.entries) {
        if (entry.request.kind.forgetOnPathChanged?.(entry.request.param, state.path)) {
          this.entries.delete(key);
          continue;
        }
        const changed = entry.request.kind.onPathChanged?.(entry.value, entry.request.param, state.path);
        if (changed !== undefined && changed !== entry.value) this.entries.set(key, { ...entry, value: changed, predicted: true });
      }
    }
  }

  /** Record the values a task brings other facts to (a unit started, a package installed). */
  predictFacts(values: FactValue[]): void {
    for (const { request, value } of values) this.entries.set(requestKey(request), { request, value, predicted: true });
  }

  /**
   * A command ran: anything may have changed. Wanted facts are probed again, together, when
   * next asked. A dry-run keeps its predictions: they stand for changes not made. Stable kinds
   * (gathered facts) are kept, as Ansible keeps them until the next setup.
   */
  invalidate(options: { keepPredicted?: boolean } = {}): void {
    for (const [key, entry] of [...this.entries]) {
      if (entry.request.kind.stable || (options.keepPredicted && entry.predicted)) continue;
      this.entries.delete(key);
    }
    if (!options.keepPredicted) this.predictedPaths.clear();
  }

  /** One probe at a time: questions asked meanwhile go in the next one, or are answered by this one. */
  private async fetch(): Promise<void> {
    while (this.fetching) await this.fetching.catch(() => undefined);
    this.fetching = this.probe().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async probe(): Promise<void> {
    const requests = [...this.wanted].filter(([key]) => !this.entries.has(key)).map(([, request]) => request);
    if (requests.length === 0) return;
    const answers = await this.ask(requests.map((request) => this.asked(request)));
    // Recorded files whose identity moved since: hashed now, in a second probe (not on a no-op).
    const moved = requests.filter((request) => request.kind === pathKind && !answers.has(requestKey(request)));
    if (moved.length > 0) for (const [key, value] of await this.ask(moved.map((r) => this.asked(r, true)))) answers.set(key, value);
    for (const request of requests) {
      let value = answers.get(requestKey(request));
      // Observed now, but a dry-run's earlier tasks would have written these paths first.
      for (const path of this.predictedPaths.keys()) value = request.kind.onPathChanged?.(value, request.param, path) ?? value;
      this.entries.set(requestKey(request), { request, value, predicted: false });
    }
  }

  /**
   * The question a probe asks for `request`: with file records, a path is asked with its identity,
   * and without its hash where a record may vouch for its content (unless `hash`).
   */
  private asked(request: FactRequest, hash = false): FactRequest {
    if (!this.records || request.kind !== pathKind) return request;
    const path = request.param as string;
    const param: ObservedPathParam = { path, hash: hash || !this.records.get(path) };
    return { kind: observedPathKind, param };
  }

  /** One probe; its answers by the key of the request they answer (a path's as pathKind's, when settled). */
  private async ask(requests: FactRequest[]): Promise<Map<string, unknown>> {
    const plan = planProbe(requests);
    const transport = await this.transport();
    const result = await transport.exec(plan.script, { ...this.privilege, timeoutMs: this.timeoutMs, what: 'fact probe' });
    let answers: Map<string, unknown>;
    try {
      answers = parseProbe(plan, result);
    } catch (error) {
      throw error instanceof FactError ? error.on(this.host) : error;
    }
    if (!this.records) return answers;
    const values = new Map<string, unknown>();
    for (const request of requests) {
      const answer = answers.get(requestKey(request));
      if (request.kind !== observedPathKind) {
        values.set(requestKey(request), answer);
        continue;
      }
      const { path, hash } = request.param as ObservedPathParam;
      const state = hash ? this.recordHashed(answer as ObservedPath) : this.recalled(answer as ObservedPath);
      if (state) values.set(requestKey(pathFact(path)), state);
    }
    return values;
  }

  /** A hashed path: recorded when settled and hashed (readable by the probing user); else its record goes. */
  private recordHashed({ state, identity, settled }: ObservedPath): PathState {
    if (identity && settled && state.sha256) this.records!.set(state.path, { identity, sha256: state.sha256 });
    else this.records!.delete(state.path);
    return state;
  }

  /** A path stat'ed alone: its recorded hash while its identity holds; undefined (hash it) when not. */
  private recalled({ state, identity }: ObservedPath): PathState | undefined {
    const record = this.records!.get(state.path);
    if (state.type !== 'file') {
      this.records!.delete(state.path);
      return state;
    }
    if (!record || record.identity !== identity) return undefined;
    return { ...state, sha256: record.sha256 };
  }
}
