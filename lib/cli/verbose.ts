import type { Inventory } from '../inventory/types.js';
import type { Session } from './session.js';

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
