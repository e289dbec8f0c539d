import type { Inventory, InventoryHost } from '../inventory/types.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { listedTasks } from '../playbook/types.js';
import type { QueuedTransport } from '../transport/queued.js';
import { connectionVariables } from './connection.js';
import { openTransport, openedKey, type ConnectionSettings } from './host-run.js';
import type { PlannedPlay } from './preflight.js';
import { taskVars } from './vars.js';

/**
 * Connections opened while preflight runs instead of after it: the hosts' sshd's make their
 * handshakes (a login costs a host ~0.1 s of CPU here) while the controller checks the plan, so
 * the run's first round trip starts sooner. TCP, key exchange and authentication only: no
 * command runs on a host before preflight has passed, and a run whose preflight fails closes
 * them and shows only its error (a connection's failure is kept for the first use, which never
 * comes). Opened only where the run is certain to use that very connection next:
 *
 * - hosts of the run's first play (nothing has run before it that could set their variables),
 *   when that play has no serial batches (a later batch could be changed by an earlier one),
 *   no remote_user/port/connection keywords, and gathers facts or has a task that asks the host
 *   for facts with no condition, loop, delegation or connection keywords of its own (a play of
 *   set_fact and debug tasks never connects, and must not start to);
 * - whose connection variables (ansible_host, ansible_port, ansible_user, ansible_connection,
 *   the key file) in the play's scope are the inventory's own, so the connection is exactly the
 *   inventory's, rendered nowhere; the first --forks of them (as many as the first task starts on);
 * - over SSH with a key file that loads without a passphrase (or the default keys), with host
 *   keys checked against known_hosts only (--accept-new-host-keys would write known_hosts before
 *   preflight), not kept by the connection keeper (--persist) and without -vvvv (its connection
 *   lines would come before a preflight error).
 */
export function earlyHosts(plan: PlannedPlay[], inventory: Inventory, registry: ModuleRegistry, extraVars: Record<string, unknown>, settings: Pick<ConnectionSettings, 'acceptNewHostKeys' | 'persist' | 'connectionLog'> & { forks: number }): InventoryHost[] {
  const first = plan[0];
  if (!first || settings.acceptNewHostKeys || settings.persist || settings.connectionLog) return [];
  const { play, hosts, body } = first;
  if (play.serial !== undefined || play.remoteUser !== undefined || play.port !== undefined || play.connection !== undefined) return [];
  const asksHost = listedTasks(body).some(
    (task) =>
      registry.get(task.module)?.prefetch !== undefined &&
      task.when.length === 0 &&
      task.loop === undefined &&
      task.loopWith === undefined &&
      task.delegateTo === undefined &&
      !task.runOnce &&
      task.remoteUser === undefined &&
      task.port === undefined &&
      task.connection === undefined,
  );
  if (!play.gatherFacts && !asksHost) return [];
  const chosen: InventoryHost[] = [];
  // The play's first task starts on --forks hosts at once (the rest as those end): no more open early.
  for (const name of hosts.slice(0, Math.max(1, settings.forks))) {
    const host = inventory.hosts.get(name);
    if (!host || host.connection.local) continue;
    // The scope the play's tasks see (as PlayBatch builds it), with nothing registered yet.
    const vars = taskVars({ inventory, host: name, play, playHosts: hosts, registered: {}, extraVars, hostvars: {}, groups: {} });
    const inPlay = connectionVariables(vars);
    const ownValues = connectionVariables(host.vars);
    if (inPlay.every((value, i) => value === ownValues[i])) chosen.push(host);
  }
  return chosen;
}

/** Opens the connections of earlyHosts now; the run takes them over through ConnectionSettings.opened. */
export function openEarly(hosts: InventoryHost[], settings: ConnectionSettings): Map<string, QueuedTransport> {
  const opened = new Map<string, QueuedTransport>();
  for (const host of hosts) {
    const file = host.connection.privateKeyFile;
    // A key that needs a passphrase or ssh-agent is settled after preflight, as before.
    if (file !== undefined && !settings.privateKeys?.has(file)) continue;
    const transport = openTransport(host, settings, host.connection);
    if (transport.openEarly()) opened.set(openedKey(host.name, host.connection), transport);
  }
  return opened;
}

/** Closes connections opened early that no run took (preflight failed, or the run never started). */
export function closeEarly(opened: Map<string, QueuedTransport> | undefined): void {
  if (!opened) return;
  for (const transport of opened.values()) void transport.close();
  opened.clear();
}
