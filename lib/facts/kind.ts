/**
 * Fact kinds: what runbook can learn about a host without changing it.
 *
 * pyinfra's `FactBase` is the model. A kind owns, for one sort of question:
 * - its **command**: the shell section(s) that answer every question of this kind in a probe at once
 *   (`sections`), naming the tool each section runs, for errors;
 * - its **parser** (`parse`): the answers, or a `FactError` when the tool failed or answered something
 *   that does not parse. A failed probe is never read as "absent": absence is only what the tool
 *   itself reports as absence (ENOENT from stat, "no packages found" from dpkg-query, ...);
 * - its **default**: the value of a thing that does not exist (`parse` returns it for those);
 * - how a **change predicts** it: a task's check returns the values it brings about
 *   (`CheckResult.facts`, or `predicted` path states); `onPathChanged` says how a written path
 *   changes this kind's cached answers (a new unit file makes systemd want a daemon-reload);
 * - what **invalidates** it: an arbitrary command invalidates every kind except the `stable` ones
 *   (gathered facts, which Ansible too gathers once per play).
 *
 * Modules never send shell text as a fact: they ask for requests made by the kind modules
 * (`pathFact(path)`, `serviceFact(name)`, ...) in `prefetch()` and through `ctx.facts.get()`. The
 * engine's `FactCache` batches every wanted request of a host into one probe script
 * (`facts/probe.ts`): one round trip answers the whole play.
 */

/** One section of a probe: a shell fragment whose stdout, stderr and exit status come back framed. */
export interface SectionScript {
  /** The program the section runs, named in errors ("stat", "dpkg-query"). */
  tool: string;
  /**
   * POSIX sh, the body of a function the probe's shell calls (see planProbe): it may `set --`
   * (the function's own arguments) and end early with `return N`; it must not `exit` (that ends
   * the probe: every later section missing, an error) nor change the shell's state for later
   * sections (`cd`, `umask`, options: put such a part in `( ... )`); variables it reads it sets.
   */
  script: string;
}

export interface SectionOutput {
  tool: string;
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

export interface FactKind<P, V> {
  /** Unique name, part of every cache key. */
  readonly name: string;
  /** Identity of one question (a path, a unit name). */
  key(param: P): string;
  /** The probe sections answering all these questions (params are distinct by key). */
  sections(params: P[]): SectionScript[];
  /** One answer per param, in order; throws FactError when the output cannot be trusted. */
  parse(outputs: SectionOutput[], params: P[]): V[];
  /** A task wrote `path` (in this run, or in a dry-run would): this kind's cached answer becomes. */
  onPathChanged?(value: V, param: P, path: string): V;
  /** A task wrote `path`: true forgets the cached answer, so it is probed again when next asked. */
  forgetOnPathChanged?(param: P, path: string): boolean;
  /** Survives arbitrary commands (the cache keeps it when a command invalidates the rest). */
  readonly stable?: boolean;
}

/** A question for a host: a kind and its parameter. */
export interface FactRequest<V = unknown> {
  readonly kind: FactKind<any, V>;
  readonly param: unknown;
}

/** A value a task brings a fact to (predicted in a dry-run, made in a real run). */
export interface FactValue<V = unknown> {
  request: FactRequest<V>;
  value: V;
}

export function requestKey(request: FactRequest): string {
  return `${request.kind.name}\0${request.kind.key(request.param)}`;
}

/**
 * A probe's answer cannot be trusted. It fails the task (nothing is changed) with a message
 * naming the host and the tool.
 */
export class FactError extends Error {
  override name = 'FactError';
  constructor(
    readonly tool: string,
    detail: string,
    readonly host?: string,
    options?: { cause?: unknown },
  ) {
    super(`${host ? `${host}: ` : ''}${tool}: ${detail}`, options);
  }

  /** The same error, now naming the host it came from. */
  on(host: string): FactError {
    return this.host ? this : new FactError(this.tool, this.message.slice(this.tool.length + 2), host, { cause: this.cause });
  }
}

/** The first lines of a tool's stderr (or its stdout), for an error message. */
export function excerpt(output: SectionOutput): string {
  const text = (output.stderr.length > 0 ? output.stderr : output.stdout).toString('utf8').trim();
  const lines = text.split('\n').slice(0, 3).join(' / ');
  return lines.length > 300 ? `${lines.slice(0, 300)}…` : lines || `exit ${output.code}, no output`;
}

/** A tool the host lacks: exit 127 from the shell. */
export function missingTool(output: SectionOutput, need: string): FactError | undefined {
  if (output.code === 127) return new FactError(output.tool, `not found on the host — ${need}`);
  return undefined;
}

/** stderr lines, without the trailing empty one. */
export function stderrLines(output: SectionOutput): string[] {
  return output.stderr
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
}
