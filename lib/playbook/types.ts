import type { RoleScope } from './roles.js';
import type { SourceLocation } from '../errors.js';

/** A task as written, before templating. */
export interface TaskSpec {
  name: string; // given name, or "<module> <summary>" when unnamed
  module: string; // canonical module name (aliases such as ansible.builtin.copy resolved)
  /** Module arguments, untemplated. Free-form text of command/shell is under `_raw_params`. */
  args: Record<string, unknown>;
  vars: Record<string, unknown>;
  when: string[]; // all must hold
  tags: string[]; // the task's own tags plus inherited play tags
  register?: string;
  notify: string[];
  loop?: unknown; // a list, or a template string that renders to one
  loopVar: string; // 'item' unless loop_control.loop_var
  /** with_<lookup>: the lookup whose results are the items; `loop` holds its terms. */
  loopWith?: string;
  runOnce: boolean;
  changedWhen?: string[] | boolean;
  failedWhen?: string[] | boolean;
  ignoreErrors: boolean;
  become?: boolean;
  becomeUser?: string;
  checkMode?: boolean; // false: runs for real even in --dry-run
  noLog: boolean;
  listen: string[]; // handlers only: extra names a handler answers to
  /** Retried until these hold (all of them), `retries` more times, `delay` seconds apart. */
  until?: string[];
  retries?: number | string; // a number, or a template rendered when the task runs
  delay?: number | string;
  timeout?: number | string; // seconds; the task fails and its remote command is killed
  throttle?: number | string; // at most this many hosts run the task at once
  delegateTo?: string; // the host whose connection the task uses (may be templated)
  delegateLocation?: SourceLocation;
  delegateFacts?: boolean;
  ignoreUnreachable?: boolean;
  anyErrorsFatal?: boolean; // unset: the play's
  /**
   * include_tasks: loads the named file (relative to the including file, then the playbook)
   * with these extra variables (the loop item), as entries that inherit what the include passes
   * down (its vars, `apply`, enclosing blocks). Throws when the file is missing or wrong.
   */
  includeTasks?: (file: string, vars: Record<string, unknown>) => PlayEntry[];
  /** Variables of the role the task belongs to: defaults sit below the inventory, vars above the play's, params above set_fact. */
  roleDefaults?: Record<string, unknown>;
  roleVars?: Record<string, unknown>;
  roleParams?: Record<string, unknown>;
  /** Vars and loop item of the include_tasks/include_role that loaded the task (above set_fact, as Ansible's include params). */
  includeParams?: Record<string, unknown>;
  /** environment: mappings or templates of them, outermost (play) first; exported for every command the task runs. */
  environment?: unknown[];
  /** Connection keywords of the task or its blocks/role (the play's are on PlaySpec); a host's inventory variables win. */
  remoteUser?: string;
  port?: number | string;
  connection?: 'local' | 'ssh';
  /** loop_control.index_var and extended. */
  indexVar?: string;
  loopExtended?: boolean;
  /** Where its template and copy sources are looked up: the role's directory, else the playbook's. */
  baseDir?: string;
  /** Added by the loader, not written (the flush_handlers after each section of a play): kept whatever the tags, not listed. */
  implicit?: boolean;
  location: SourceLocation;
}

/**
 * A block as written: its tasks, the tasks that run when one of them fails, and those that
 * always run. Its keywords (when, tags, vars, become, ignore_errors, ...) are already pushed
 * down into the tasks it holds by the loader, as Ansible's inheritance resolves them.
 */
export interface BlockSpec {
  kind: 'block';
  name?: string;
  block: PlayEntry[];
  rescue: PlayEntry[];
  always: PlayEntry[];
  location: SourceLocation;
  /** A role included with public: true: its variables reach the play's other tasks once the include ran. */
  exposes?: RoleScope;
}

/** What a task list holds: tasks and blocks of them, nested. */
export type PlayEntry = TaskSpec | BlockSpec;

export function isBlock(entry: PlayEntry): entry is BlockSpec {
  return (entry as BlockSpec).kind === 'block';
}

/** Every task of a tree of entries, in order (block, then rescue, then always). */
export function flattenEntries(entries: readonly PlayEntry[]): TaskSpec[] {
  return entries.flatMap((entry) => (isBlock(entry) ? [...flattenEntries(entry.block), ...flattenEntries(entry.rescue), ...flattenEntries(entry.always)] : [entry]));
}

/** The tasks ansible-playbook --list-tasks shows: each block's own tasks, not its rescue or always (PlaybookCLI._process_block). */
export function listedTasks(entries: readonly PlayEntry[]): TaskSpec[] {
  return entries.flatMap((entry) => (isBlock(entry) ? listedTasks(entry.block) : entry.implicit ? [] : [entry]));
}

export interface PlaySpec {
  name: string;
  hosts: string; // host pattern
  vars: Record<string, unknown>;
  tags: string[];
  become?: boolean;
  becomeUser?: string;
  gatherFacts: boolean;
  /** Rolling batches: sizes (a count or 'N%'), the last repeating; a template is rendered at run time. Unset: one batch. */
  serial?: Array<number | string> | string;
  strategy?: 'linear' | 'free'; // unset: --strategy, else runbook's default
  maxFailPercentage?: number;
  anyErrorsFatal: boolean;
  /** Play connection keywords: the login user, port and connection a host's inventory variables do not set. */
  remoteUser?: string;
  port?: number | string;
  connection?: 'local' | 'ssh';
  /**
   * Variables of the play's roles every task sees (roles:, import_role, and include_role with
   * public: true once it ran), in order: defaults below the inventory, vars above the play's.
   */
  publicRoles?: RoleScope[];
  /** private_role_vars (ansible.cfg, ANSIBLE_PRIVATE_ROLE_VARS): the play's roles' vars (not defaults) stay with their own tasks. */
  privateRoleVars?: boolean;
  /** Ansible's gather_subset for the play's implicit fact gathering (default ['all']). */
  gatherSubset: string[];
  /** The play's task list as written: tasks and blocks, nested. */
  body: PlayEntry[];
  /** Every task of `body`, flattened in order (for checks that look at each task once). */
  tasks: TaskSpec[];
  handlers: TaskSpec[];
  location: SourceLocation;
  /** Directory of the playbook file; templates and src files are looked up relative to it. */
  baseDir: string;
  /** vars_prompt: answered once before any host is touched (lib/cli); the answers become play variables. */
  varsPrompt?: VarPrompt[];
}

/** One vars_prompt entry. `prompt` and `default` may be templates (play and extra vars). */
export interface VarPrompt {
  name: string;
  prompt?: string;
  default?: unknown;
  /** Typing is not echoed, and the answer is a secret in every output (default true, as Ansible). */
  private: boolean;
  confirm: boolean;
  /** vars_files or import_playbook vars of the same name win over the answer, as in Ansible. */
  shadowed: boolean;
  location: SourceLocation;
}

/** A task runbook adds itself (fact gathering, an implicit handler flush): a task's defaults plus what makes it. */
export function builtTask(fields: Pick<TaskSpec, 'name' | 'module' | 'args' | 'location'> & Partial<TaskSpec>): TaskSpec {
  return { vars: {}, when: [], tags: [], notify: [], loopVar: 'item', runOnce: false, ignoreErrors: false, noLog: false, listen: [], ...fields };
}
