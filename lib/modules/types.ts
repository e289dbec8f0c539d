import type { ExecResult, HostTransport, Privilege } from '../transport/types.js';

import type { FactRequest, FactValue } from '../facts/kind.js';
import type { PathState, FileType } from '../facts/path.js';

export type { FactRequest, FactValue } from '../facts/kind.js';
export type { PathState, FileType } from '../facts/path.js';

/** One file's change, for --diff. Secret files carry checksums instead of content. */
export interface FileDiff {
  path: string;
  secret: boolean;
  before: FileSnapshot;
  after: FileSnapshot;
}

export interface FileSnapshot {
  exists: boolean;
  type?: FileType;
  mode?: string;
  owner?: string;
  group?: string;
  sha256?: string;
  content?: string; // text only, never set when secret
}

export type ArgType = 'str' | 'bool' | 'int' | 'float' | 'list' | 'dict' | 'path' | 'mode' | 'raw';

export interface ArgSpec {
  type: ArgType;
  required?: boolean;
  default?: unknown;
  choices?: readonly string[];
  aliases?: readonly string[];
  elements?: ArgType; // for lists
  /** A path on the host that must be absolute (a relative one would land under the login user's home). */
  absolute?: boolean;
  /** The value is secret (e.g. content of a key): never shown. */
  noLog?: boolean;
  description?: string;
}

/**
 * Read-only questions about a host, answered from a per-run cache filled by batched probes.
 * Ask with the request makers of lib/facts (pathFact, serviceFact, packageFact, ...); a probe
 * that fails or cannot be parsed rejects with a FactError naming the host and the tool.
 */
export interface HostFacts {
  get<V>(request: FactRequest<V>): Promise<V>;
  /** Ask for several facts ahead, so that the next probe answers them together. */
  want(requests: FactRequest[]): void;
  /** Shorthand for get(pathFact(path)), a copy the caller may change. */
  path(path: string): Promise<PathState>;
  /** File content (a task's prediction, else read from the host), for diffs and cross-host copies. Undefined when absent or unreadable. */
  content(path: string): Promise<Buffer | undefined>;
}

export interface ModuleContext {
  host: string; // inventory name
  /** The remote user the task runs as (login user, or the become user). */
  user: string;
  vars: Record<string, unknown>; // the task's variables, for modules that render templates
  privilege: Privilege;
  dryRun: boolean;
  diff: boolean;
  noLog: boolean;
  baseDir: string; // the playbook's directory, where src and templates/ are looked up
  facts: HostFacts;
  /** Facts of another inventory host (copy between hosts). */
  factsOf(host: string): HostFacts;
  /** Render a Jinja2 template text with the task's variables. */
  render(text: string, origin: string): string;
  /** The same for a template file, in pieces (bounded memory for big files: see renderTemplateFilePieces). */
  renderFile?(text: string, origin: string): string[];
  /** Shown live while a long check or apply waits (wait_for). */
  progress(message: string): void;
  /** Paths on this host that earlier tasks of this run changed (or, in a dry-run, would change). */
  changedPaths(): string[];
  /** The value of a Jinja2 expression with the task's variables (debug's `var`); undefined names throw. */
  expression(expression: string): unknown;
  /** Evaluate a condition as `when` does (assert's `that`), with the task's variables. */
  evaluate(condition: string): boolean;
  /** How verbose the run is (`-v` count); debug's `verbosity` is compared with it. 0 by default. */
  verbosity: number;
}

export interface ApplyContext extends ModuleContext {
  transport: HostTransport;
  transportOf(host: string): HostTransport;
}

export interface CheckResult<D = unknown> {
  changed: boolean;
  /** The task fails here, with `message` and `result` (assert, fail): nothing to apply. */
  failed?: boolean;
  /** The task is skipped here (debug above the run's verbosity). */
  skipped?: boolean;
  /** Human summary: "would create", "mode 0644 → 0600", "would run". */
  message?: string;
  diff?: FileDiff[];
  /** States the fact cache takes once the change is made (also in dry-run, so later tasks plan against them). */
  predicted?: PathState[];
  /** Values of other fact kinds once the change is made (a unit started), also in dry-run. */
  facts?: FactValue[];
  /** After apply, cached facts cannot be trusted any more (arbitrary commands). */
  invalidatesFacts?: boolean;
  /** Registered result when the task ends at check (ok, or dry-run). */
  result?: Record<string, unknown>;
  /** Whatever apply needs that check already computed. */
  data?: D;
}

export interface ApplyResult {
  changed: boolean;
  failed?: boolean;
  message?: string;
  result?: Record<string, unknown>;
}

/**
 * Ansible's module contract, pyinfra's shape: arguments declared, a read-only check
 * that computes the change from facts, and an apply that makes it.
 */
export interface ModuleDefinition<A = any, D = any> {
  name: string;
  aliases?: readonly string[];
  description: string;
  args: Record<string, ArgSpec>;
  /** A task using the module, as YAML (shown by `runbook doc MODULE`; the doc test loads it). */
  example?: string;
  /** command/shell: text after the module name goes to `_raw_params`. */
  freeForm?: boolean;
  /** set_fact: any argument name is a variable to set (declared args are the module's own options). */
  anyArgs?: boolean;
  /**
   * Where `ansible_facts` in this module's result go, as Ansible's strategy decides by action:
   * 'set' (set_fact: the layer of registered results, above task vars), 'included' (include_vars:
   * above play and task vars, below set_fact), 'gathered' (setup and every other module: host
   * facts, below play vars). Default 'gathered'.
   */
  factsAs?: 'set' | 'included' | 'gathered';
  /** Its result sets `ansible_*` facts (hostname): variables that exist only once it ran, as gathered facts. */
  returnsFacts?: boolean;
  /** Runs once for all hosts of the play, as run_once (Ansible's BYPASS_HOST_LOOP: pause). */
  runsOnce?: boolean;
  /** Ansible's mutually_exclusive: at most one of each group may be given. */
  mutuallyExclusive?: ReadonlyArray<readonly string[]>;
  /** Ansible's required_one_of: at least one of each group must be given. */
  requiredOneOf?: ReadonlyArray<readonly string[]>;
  /** Ansible's required_if: [argument, value, required arguments, any one suffices]. */
  requiredIf?: ReadonlyArray<readonly [string, unknown, readonly string[], boolean?]>;
  /** Ansible's required_together: all or none of each group. */
  requiredTogether?: ReadonlyArray<readonly string[]>;
  /**
   * Static rules between arguments, checked when the playbook loads, before any host is touched.
   * Values may still hold `{{ }}` templates here: judge only their presence, not their content.
   * Returns an error message.
   */
  validate?(args: A): string | undefined;
  /** Facts check() will ask for (lib/facts request makers): probed for all tasks of a play in one round trip. */
  prefetch?(args: A, ctx: { host: string; baseDir?: string }): FactRequest[];
  /** Before any host is touched: find what the run would fail on (missing src, undefined variable in a template). */
  preflight?(args: A, ctx: { baseDir: string; render(text: string, origin: string): string; renderFile?(text: string, origin: string): string[] }): void;
  check(args: A, ctx: ModuleContext): Promise<CheckResult<D>>;
  apply(args: A, check: CheckResult<D>, ctx: ApplyContext): Promise<ApplyResult>;
}
