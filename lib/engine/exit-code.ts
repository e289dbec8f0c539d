import type { HostRecap } from './events.js';

/** runbook's exit code for a finished run: 3 when a host was unreachable (wins), 2 when a task failed, else 0. */
export function exitCodeFor(hosts: Record<string, HostRecap>): number {
  const values = Object.values(hosts);
  return values.some((r) => r.unreachable) ? 3 : values.some((r) => r.failed > 0) ? 2 : 0;
}
