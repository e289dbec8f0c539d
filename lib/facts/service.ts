import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, type FactKind, type FactRequest } from './kind.js';

/** A unit as `systemctl show` reports it (or as earlier tasks of this run leave it). */
export interface UnitState {
  name: string;
  loaded: boolean;
  active: boolean;
  enabled: boolean;
  activeState: string;
  subState: string;
  unitFileState: string;
  needDaemonReload: boolean;
}

const PROPERTIES = 'LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload';
export const UNIT_DIRS = ['/etc/systemd/', '/lib/systemd/', '/usr/lib/systemd/', '/run/systemd/'];
const RUNNING = new Set(['active', 'activating', 'reloading']);
// States in which `systemctl enable` has nothing to do (or cannot do anything).
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'generated', 'alias']);

export function parseShow(name: string, stdout: string): UnitState {
  const props = new Map(
    stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()] as const),
  );
  for (const property of ['LoadState', 'ActiveState', 'UnitFileState']) {
    if (!props.has(property)) throw new FactError('systemctl', `show ${name} did not report ${property}: '${stdout.slice(0, 160)}'`);
  }
  const unitFileState = props.get('UnitFileState') ?? '';
  const activeState = props.get('ActiveState') ?? '';
  return {
    name,
    loaded: props.get('LoadState') !== 'not-found',
    active: RUNNING.has(activeState),
    enabled: ENABLED.has(unitFileState),
    activeState,
    subState: props.get('SubState') ?? '',
    unitFileState,
    needDaemonReload: props.get('NeedDaemonReload') === 'yes',
  };
}

/**
 * A systemd unit's load, active and enablement state, and whether systemd wants a
 * daemon-reload. A unit that does not exist is `loaded: false` (systemd's own answer); a host
 * where systemctl fails (no systemd running) is an error. A unit file written by a task of
 * this run makes every cached unit want a daemon-reload, until a task predicts the reload.
 */
export const serviceKind: FactKind<string, UnitState> = {
  name: 'service',
  key: (name) => name,
  sections: (names) => [
    {
      tool: 'systemctl',
      // One call per unit, unit first: the form every systemctl (and the sandbox stand-in) takes.
      script: `for u in ${names.map(shellQuote).join(' ')}; do printf '\\036%s\\n' "$u"; systemctl show "$u" --property=${PROPERTIES} || return; done`,
    },
  ],
  parse([output], names) {
    const missing = missingTool(output, 'systemd is required for service facts');
    if (missing) throw missing;
    if (output.code !== 0) throw new FactError('systemctl', `${excerpt(output)} (is systemd running?)`);
    const blocks = output.stdout.toString('utf8').split('\x1e').slice(1);
    if (blocks.length !== names.length) throw new FactError('systemctl', `answered for ${blocks.length} of ${names.length} units`);
    return names.map((name, i) => {
      const newline = blocks[i].indexOf('\n');
      if (blocks[i].slice(0, newline) !== name) throw new FactError('systemctl', `answer out of order for ${name}`);
      return parseShow(name, blocks[i].slice(newline + 1));
    });
  },
  onPathChanged: (state, _name, path) => (UNIT_DIRS.some((dir) => path.startsWith(dir)) ? { ...state, needDaemonReload: true } : state),
};

export function serviceFact(name: string): FactRequest<UnitState> {
  return { kind: serviceKind, param: name };
}
