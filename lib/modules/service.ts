import { systemd, type SystemdArgs } from './systemd.js';
import type { ModuleDefinition } from './types.js';

interface ServiceArgs {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  use: string;
  sleep?: number;
  pattern?: string;
  runlevel?: string;
  arguments?: string;
}

/** What `service` hands to the systemd code, as Ansible's service action does on a systemd host. */
export function serviceToSystemd(args: ServiceArgs): SystemdArgs {
  return { name: args.name, state: args.state, enabled: args.enabled, daemon_reload: false };
}

/**
 * service, as ansible.builtin.service on a host managed by systemd: Ansible's action picks the
 * systemd module and drops `sleep`, `pattern`, `runlevel` and `arguments` (with a warning); runbook
 * runs the same code as its `systemd` module. Other service managers (`use: sysvinit`, openrc, ...)
 * are refused.
 */
export const service: ModuleDefinition<ServiceArgs> = {
  name: 'service',
  description: 'A service started, stopped, restarted or reloaded, enabled or not (through systemd, as Ansible on a systemd host).',
  example: `- name: nginx running and enabled
  service:
    name: nginx
    state: started
    enabled: true
`,
  args: {
    name: { type: 'str', required: true },
    state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'bool' },
    use: { type: 'str', default: 'auto', choices: ['auto', 'systemd'], description: 'other service managers are not supported' },
    sleep: { type: 'int', description: 'ignored, as Ansible ignores it on systemd hosts' },
    pattern: { type: 'str', description: 'ignored, as Ansible ignores it on systemd hosts' },
    runlevel: { type: 'str', description: 'ignored, as Ansible ignores it on systemd hosts' },
    arguments: { type: 'str', aliases: ['args'], description: 'ignored, as Ansible ignores it on systemd hosts' },
  },
  requiredOneOf: [['state', 'enabled']],
  prefetch: (args, ctx) => systemd.prefetch!(serviceToSystemd(args), ctx),
  check: (args, ctx) => systemd.check(serviceToSystemd(args), ctx),
  apply: (args, check, ctx) => systemd.apply(serviceToSystemd(args), check, ctx),
};
