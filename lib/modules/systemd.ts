import { shellQuote } from '../util/shell.js';
import { runNow } from './file-state.js';
import { serviceFact, UNIT_DIRS, type UnitState } from '../facts/service.js';
import type { ModuleDefinition } from './types.js';

export interface SystemdArgs {
  name?: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  daemon_reload: boolean;
}

interface SystemdPlan {
  actions: string[];
  after: UnitState;
}

export type { UnitState };

/**
 * The decision alone, for tests: what to run to bring `current` to what the task asks. A unit
 * file written earlier in this run shows as `needDaemonReload` (the service fact kind's rule).
 */
export function planUnit(args: SystemdArgs, current: UnitState): { actions: string[]; after: UnitState } {
  const actions: string[] = [];
  const after = { ...current };
  if (args.daemon_reload && current.needDaemonReload) {
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
  if (args.state) {
    after.active = args.state !== 'stopped';
    after.activeState = after.active ? 'active' : 'inactive';
  }
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
    name: { type: 'str', aliases: ['unit', 'service'] },
    state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'bool' },
    daemon_reload: { type: 'bool', default: false, aliases: ['daemon-reload'] },
  },
  validate: (args) =>
    args.state === undefined && args.enabled === undefined && !args.daemon_reload
      ? "systemd needs 'state', 'enabled' or 'daemon_reload'"
      : args.name === undefined && (args.state !== undefined || args.enabled !== undefined)
        ? "systemd needs 'name' with 'state' or 'enabled'"
        : undefined,
  prefetch: (args) => (args.name === undefined ? [] : [serviceFact(args.name)]),
  async check(args, ctx) {
    if (args.name === undefined) return daemonReloadOnly(ctx.changedPaths());
    const current = await ctx.facts.get(serviceFact(args.name));
    if (!current.loaded && !current.needDaemonReload && (args.state !== undefined || args.enabled !== undefined)) {
      throw new Error(`unit ${args.name} not found on ${ctx.host}`);
    }
    const { actions, after } = planUnit(args, current);
    return {
      changed: actions.length > 0,
      message: actions.length > 0 ? actions.join('; ') : undefined,
      // Later tasks (and a dry-run's) plan against the state this one leaves.
      facts: actions.length > 0 ? [{ request: serviceFact(args.name), value: after }] : undefined,
      result: { name: args.name, state: after.active ? 'started' : 'stopped', enabled: after.enabled, status: { ActiveState: current.activeState, SubState: current.subState, UnitFileState: current.unitFileState } },
      data: { actions, after },
    };
  },
  async apply(args, check, ctx) {
    await runNow(ctx, check.data!.actions.map((action) => commandFor(action, args.name ?? '')).join(' && '));
    // As Ansible: a daemon-reload alone is not a change.
    return { changed: args.name !== undefined };
  },
};

/**
 * `daemon_reload: true` without a unit: Ansible reloads every time and reports ok. runbook reloads
 * when a unit file was written in this run (the only way its own tasks make systemd's view stale),
 * and reports ok too.
 */
function daemonReloadOnly(changedPaths: string[]) {
  const unitFiles = changedPaths.filter((path) => UNIT_DIRS.some((dir) => path.startsWith(dir)));
  const actions = unitFiles.length > 0 ? ['daemon-reload'] : [];
  return {
    changed: actions.length > 0,
    message: actions.length > 0 ? `daemon-reload (${unitFiles.join(', ')} changed)` : undefined,
    invalidatesFacts: actions.length > 0,
    result: { name: null, status: {} },
    data: { actions, after: undefined as unknown as UnitState },
  };
}
