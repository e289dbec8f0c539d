import type { Inventory } from '../inventory/types.js';
import type { Session } from './session.js';

/** Where bin/load-bundle.js leaves what became of the bundle's code cache (absent when dist/lib runs). */
const CODE_CACHE_STATUS = Symbol.for('runbook.codeCacheStatus');

/**
 * -v: why this start was slow, when the bundle ran without its code cache. V8 refuses a cache made
 * under other V8 flags (NODE_OPTIONS='--max-old-space-size=...', --stack-size, ...) or by another
 * Node; then every start compiles the whole bundle (a few tenths of a second of CPU).
 */
export function codeCacheNote(): string | undefined {
  const status = (globalThis as Record<symbol, unknown>)[CODE_CACHE_STATUS];
  if (status === 'rejected') return `[NOTE] V8 refused runbook's code cache (V8 flags in NODE_OPTIONS or on the command line, or another Node than the one that built it): start-up compiles the bundle instead; \`npm run build\` under the same Node and flags writes a cache it accepts`;
  if (status === 'damaged') return `[NOTE] runbook's code cache does not match its bundle (damaged, or made for another build): start-up compiles the bundle instead; \`npm run build\` writes it again`;
  if (status === 'absent') return `[NOTE] runbook's bundle has no code cache: start-up compiles it; \`npm run build\` writes one`;
  return undefined;
}

/**
 * -vvv: how each host will be reached, as ansible-playbook's ESTABLISH lines. The key file is
 * named, never its content; a become password is only said to be set.
 */
export function connectionDetails(inventory: Inventory, hosts: string[], session: Session): string[] {
  const lines = [`known_hosts: ${session.knownHostsFile}${session.acceptNewHostKeys ? ' (new host keys accepted and recorded)' : ''}; connect timeout ${session.connectTimeoutMs / 1000}s; forks ${session.forks}`];
  for (const name of new Set(hosts)) {
    const { connection } = inventory.hosts.get(name)!;
    const key = connection.privateKeyFile ?? (process.env.SSH_AUTH_SOCK ? 'ssh-agent or ~/.ssh/id_*' : '~/.ssh/id_*');
    const become = connection.become ? `; become ${connection.becomeUser ?? 'root'} via sudo${session.becomePassword !== undefined ? ' (password set)' : ''}` : '';
    lines.push(`<${name}> ESTABLISH SSH CONNECTION FOR USER: ${connection.user} to ${connection.address}:${connection.port} (key: ${key})${become}`);
  }
  return lines;
}
