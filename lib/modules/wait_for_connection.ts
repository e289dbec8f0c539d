import { commandFact } from '../facts/index.js';
import type { ModuleDefinition } from './types.js';

interface WaitForConnectionArgs {
  connect_timeout: number;
  delay: number;
  sleep: number;
  timeout: number;
}

/** The end-to-end test: the host runs a command over the run's connection (Ansible runs its ping module). */
const PING = commandFact(['true']);

/**
 * wait_for_connection, as Ansible's action: skipped in a dry-run (check mode); otherwise after
 * `delay` seconds the host must answer over its connection within `timeout`. The answer joins
 * the play's fact probe, so a host that is up costs no round trip of its own. runbook holds one
 * connection per host for the run and does not reconnect: a host that cannot be reached is
 * unreachable (exit 3), as any other task would find it.
 */
export const waitForConnection: ModuleDefinition<WaitForConnectionArgs> = {
  name: 'wait_for_connection',
  description: 'Wait until the host answers over its connection (skipped in a dry-run, as Ansible).',
  example: `- name: The host answers
  wait_for_connection:
    delay: 0
    timeout: 300
`,
  args: {
    connect_timeout: { type: 'int', default: 5 },
    delay: { type: 'int', default: 0 },
    sleep: { type: 'int', default: 1 },
    timeout: { type: 'int', default: 600 },
  },
  prefetch: () => [PING],
  async check(args, ctx) {
    if (ctx.dryRun) return { changed: false, skipped: true, message: 'skipped in check mode', result: { skipped: true } };
    const start = Date.now();
    if (args.delay > 0) await new Promise((resolve) => setTimeout(resolve, args.delay * 1000));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ping module test: no answer within ${args.timeout} s`)), args.timeout * 1000);
    });
    try {
      const answer = await Promise.race([ctx.facts.get(PING), timedOut]);
      if (answer.code !== 0) throw new Error(`timed out waiting for ping module test: ping test failed (exit ${answer.code})`);
    } finally {
      clearTimeout(timer);
    }
    return { changed: false, result: { elapsed: Math.floor((Date.now() - start) / 1000) } };
  },
  async apply() {
    return { changed: false };
  },
};
