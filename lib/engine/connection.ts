import { resolve } from 'node:path';
import { InputError, type SourceLocation } from '../errors.js';
import type { ConnectionSpec } from '../inventory/types.js';
import type { PlaySpec } from '../playbook/types.js';
import { renderValue } from '../template/index.js';
import { portNumber } from '../util/port.js';

/** Connection keywords of a play or task (remote_user, port, connection). */
export interface ConnectionKeywords {
  remoteUser?: string;
  port?: number | string;
  connection?: 'local' | 'ssh';
}

type Origin = { what: string; location: SourceLocation };

/** The host's inventory variables, and the variables every other source gives the play or task. */
interface ConnectionScope {
  inventoryVars: Record<string, unknown>;
  vars: Record<string, unknown>;
}

/** Each connection setting with the variables that set it, in Ansible's order (MAGIC_VARIABLE_MAPPING). */
const CONNECTION_VARIABLES = {
  address: ['ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  user: ['ansible_user', 'ansible_ssh_user'],
  connection: ['ansible_connection'],
  privateKeyFile: ['ansible_ssh_private_key_file', 'ansible_private_key_file'],
} as const;

function variable(vars: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) {
    const value = vars[name];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/**
 * The connection a host's tasks use under these keywords and variables, as Ansible's PlayContext:
 * a connection variable (ansible_user, ansible_port, ansible_host, ansible_connection,
 * ansible_ssh_private_key_file) wins over the keyword (remote_user, port, connection), which wins
 * over `base` (-u and ansible.cfg are below the keywords). The inventory's own values are already
 * in `base` (validated where the inventory was read); a value from anywhere else (play or task
 * vars, vars_files, -e, set_fact) is applied here.
 */
export function connectionUnder(base: ConnectionSpec, keywords: ConnectionKeywords, scope: ConnectionScope, origin: Origin): ConnectionSpec {
  const spec: ConnectionSpec = { ...base };
  const fromVariables = (setting: keyof typeof CONNECTION_VARIABLES): { value: unknown; overrides: boolean } | undefined => {
    const value = variable(scope.vars, CONNECTION_VARIABLES[setting]);
    if (value === undefined) return undefined;
    // The same value as the inventory's: `base` holds it, already validated (and a key's path resolved against the inventory).
    return { value, overrides: value !== variable(scope.inventoryVars, CONNECTION_VARIABLES[setting]) };
  };
  const render = (value: unknown) => renderValue(value, scope.vars, origin);

  const connection = fromVariables('connection');
  if (connection) {
    if (connection.overrides) spec.local = connectionType(render(connection.value), 'ansible_connection', origin) === 'local';
  } else if (keywords.connection !== undefined) spec.local = keywords.connection === 'local';

  const user = fromVariables('user');
  if (user) {
    if (user.overrides) spec.user = userName(render(user.value), 'ansible_user', origin);
  } else if (keywords.remoteUser !== undefined) spec.user = userName(render(keywords.remoteUser), 'remote_user', origin);

  const port = fromVariables('port');
  if (port) {
    if (port.overrides) spec.port = portNumber(render(port.value), 'ansible_port', origin.location);
  } else if (keywords.port !== undefined) spec.port = portNumber(typeof keywords.port === 'number' ? keywords.port : render(keywords.port), 'port', origin.location);

  const address = fromVariables('address');
  if (address?.overrides) {
    const rendered = render(address.value);
    if ((typeof rendered !== 'string' && typeof rendered !== 'number') || String(rendered) === '') throw new InputError(`ansible_host must render to a host name or address, got ${JSON.stringify(rendered)}`, origin.location);
    spec.address = String(rendered);
  }

  const keyFile = fromVariables('privateKeyFile');
  if (keyFile?.overrides) {
    const rendered = render(keyFile.value);
    if (typeof rendered !== 'string' || rendered === '') throw new InputError(`ansible_ssh_private_key_file must render to a file name, got ${JSON.stringify(rendered)}`, origin.location);
    // As ssh -i, which Ansible hands it to: relative to the working directory.
    spec.privateKeyFile = resolve(rendered.replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
  }
  return spec;
}

/** The connection a play's tasks use on this host (the inventory's unless the play's keywords or variables say otherwise). */
export function playConnection(base: ConnectionSpec, play: PlaySpec, scope: ConnectionScope): ConnectionSpec {
  return connectionUnder(base, play, scope, { what: `play '${play.name}'`, location: play.location });
}

function userName(value: unknown, what: string, origin: Origin): string {
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value) === '') throw new InputError(`${what} must render to a user name, got ${JSON.stringify(value)}`, origin.location);
  return String(value);
}

/** ssh and smart are runbook's SSH; local runs on the controller; anything else is refused by name. */
function connectionType(value: unknown, what: string, origin: Origin): 'local' | 'ssh' {
  if (value === 'local') return 'local';
  if (value === 'ssh' || value === 'smart') return 'ssh';
  throw new InputError(`${what} '${String(value)}' is not supported (runbook connects with ssh, or local)`, origin.location);
}

/** The raw connection variables of a scope, to tell cheaply whether a task's differ from its play's. */
export function connectionVariables(vars: Record<string, unknown>): unknown[] {
  return SETTINGS.map((names) => variable(vars, names));
}

const SETTINGS = Object.values(CONNECTION_VARIABLES);

/** Each host run's connection variables as its current play started (compared per task, by identity). */
const playLevel = new WeakMap<object, unknown[]>();

export function rememberPlayConnectionVariables(run: object, vars: Record<string, unknown>): void {
  playLevel.set(run, connectionVariables(vars));
}

/** Whether a task's variables name a connection other than its play's (task vars, include params, set_fact). */
export function connectionVariablesChanged(run: object, vars: Record<string, unknown>): boolean {
  const atPlayStart = playLevel.get(run);
  if (!atPlayStart) return false;
  for (let i = 0; i < SETTINGS.length; i++) if (variable(vars, SETTINGS[i]) !== atPlayStart[i]) return true;
  return false;
}
