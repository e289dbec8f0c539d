import { shellQuote } from '../util/shell.js';
import { runNow } from './file-state.js';
import type { ExecResult } from '../transport/types.js';
import type { ModuleContext, ModuleDefinition } from './types.js';

interface SystemdArgs {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  daemon_reload: boolean;
}

/** A unit as `systemctl show` reports it (or as earlier tasks of this run leave it). */
export interface UnitState {
  loaded: boolean;
  active: boolean;
  enabled: boolean;
  unitFileState: string;
  needDaemonReload: boolean;
}

interface SystemdPlan {
  actions: string[];
  after: UnitState;
  /** Unit files this run had changed when it reloaded: a later task reloads again only for newer ones. */
  reloadedFor: string[];
}

const UNIT_DIRS = ['/etc/systemd/', '/lib/systemd/', '/usr/lib/systemd/', '/run/systemd/'];
const RUNNING = new Set(['active', 'activating', 'reloading']);
// States in which `systemctl enable` has nothing to do (or cannot do anything).
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'generated', 'alias']);

/**
 * What earlier systemd tasks of this run did (or, in a dry-run, would do) to a unit. The fact
 * cache knows paths, not services, so its `systemctl show` answer goes stale once a task
 * starts or enables the unit. The overlay is keyed by that cached answer object: it lives
 * exactly as long as the answer does, and vanishes when the cache is invalidated (a command
 * ran) and the next probe brings the unit's real state. Keeping facts valid this way, instead
 * of invalidatesFacts, keeps later file tasks free of a re-probe and makes dry-runs exact.
 */
const overlays = new WeakMap<ExecResult, { state: UnitState; reloadedFor: string[] }>();

export function showCommand(name: string): string {
  return `systemctl show ${shellQuote(name)} --property=LoadState,ActiveState,UnitFileState,NeedDaemonReload`;
}

export function parseShow(stdout: string): UnitState {
  const props = new Map(
    stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()] as const),
  );
  const unitFileState = props.get('UnitFileState') ?? '';
  return {
    loaded: props.get('LoadState') !== 'not-found',
    active: RUNNING.has(props.get('ActiveState') ?? ''),
    enabled: ENABLED.has(unitFileState),
    unitFileState,
    needDaemonReload: props.get('NeedDaemonReload') === 'yes',
  };
}

function unitFilesChanged(ctx: ModuleContext): string[] {
  return ctx.changedPaths().filter((path) => UNIT_DIRS.some((dir) => path.startsWith(dir)));
}

/** The decision alone, for tests: what to run to bring `current` to what the task asks. */
export function planUnit(args: SystemdArgs, current: UnitState, changedUnitFiles: string[]): { actions: string[]; after: UnitState } {
  const actions: string[] = [];
  const after = { ...current };
  if (args.daemon_reload && (current.needDaemonReload || changedUnitFiles.length > 0)) {
    actions.push('daemon-reload');
    after.needDaemonReload = false;
    after.loaded = true;
  }
  if (args.enabled === true && !current.enabled) actions.push('enable');
  if (args.enabled === false && (current.unitFileState === 'enabled' || current.unitFileState === 'enabled-runtime')) actions.push('disable');
  if (args.enabled !== undefined) {
    after.enabled = args.enabled;
    if (actions.includes('enable') || actions.includes('disable')) after.unitFileState = args.enabled ? 'enabled' : 'disabled';
  }
  switch (args.state) {
    case 'started':
      if (!current.active) actions.push('start');
      break;
    case 'stopped':
      if (current.active) actions.push('stop');
      break;
    case 'restarted':
      actions.push('restart'); // handlers: the config changed, so restart whatever the state
      break;
    case 'reloaded':
      actions.push(current.active ? 'reload' : 'start'); // as Ansible: reloading a stopped unit starts it
      break;
  }
  if (args.state) after.active = args.state !== 'stopped';
  return { actions, after };
}

function commandFor(action: string, name: string): string {
  return action === 'daemon-reload' ? 'systemctl daemon-reload' : `systemctl ${action} ${shellQuote(name)}`;
}

export const systemd: ModuleDefinition<SystemdArgs, SystemdPlan> = {
  name: 'systemd',
  aliases: ['systemd_service', 'ansible.builtin.systemd_service'],
  description: 'A systemd unit started, stopped, restarted or reloaded, enabled or not, with daemon-reload when unit files changed.',
  example: `- name: Kubelet running and enabled
  systemd:
    name: kubelet
    state: started
    enabled: true
    daemon_reload: true
`,
  args: {
    name: { type: 'str', required: true, aliases: ['unit'] },
    state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'bool' },
    daemon_reload: { type: 'bool', default: false, aliases: ['daemon-reload'] },
  },
  validate: (args) => (args.state === undefined && args.enabled === undefined && !args.daemon_reload ? "systemd needs 'state', 'enabled' or 'daemon_reload'" : undefined),
  prefetch: (args) => [{ query: showCommand(args.name) }],
  async check(args, ctx) {
    const answer = await ctx.facts.query(showCommand(args.name));
    if (answer.code !== 0 && !overlays.has(answer)) throw new Error(`systemctl show ${args.name} failed (exit ${answer.code}): is systemd running on ${ctx.host}?`);
    const overlay = overlays.get(answer);
    const current = overlay?.state ?? parseShow(answer.stdout.toString());
    const changedUnits = unitFilesChanged(ctx).filter((path) => !overlay?.reloadedFor.includes(path));
    if (!current.loaded && changedUnits.length === 0 && (args.state !== undefined || args.enabled !== undefined)) {
      throw new Error(`unit ${args.name} not found on ${ctx.host}`);
    }
    const { actions, after } = planUnit(args, current, changedUnits);
    const reloadedFor = actions.includes('daemon-reload') ? unitFilesChanged(ctx) : (overlay?.reloadedFor ?? []);
    // In a dry-run nothing is applied: later tasks plan against the state this one would leave.
    if (ctx.dryRun && actions.length > 0) overlays.set(answer, { state: after, reloadedFor });
    return {
      changed: actions.length > 0,
      message: actions.length > 0 ? actions.join('; ') : undefined,
      result: { name: args.name, state: after.active ? 'started' : 'stopped', enabled: after.enabled, status: { ActiveState: current.active ? 'active' : 'inactive', UnitFileState: current.unitFileState } },
      data: { actions, after, reloadedFor },
    };
  },
  async apply(args, check, ctx) {
    const { actions, after, reloadedFor } = check.data!;
    await runNow(ctx, actions.map((action) => commandFor(action, args.name)).join(' && '));
    overlays.set(await ctx.facts.query(showCommand(args.name)), { state: after, reloadedFor });
    return { changed: true };
  },
};
