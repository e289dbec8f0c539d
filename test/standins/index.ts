// Stand-ins for the parts of a Kubernetes master a sandbox host cannot run (systemd, the
// kubelet's static pods, the API server, kubectl). See README.md in this folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { repoRoot } from '../e2e/cli.js';
import type { Sandbox, SandboxOptions } from '../sandbox/hosts.js';

export const standinDir = join(repoRoot, 'test', 'standins');

/** `files` and `setup` for Sandbox.start: systemctl and kubectl in /usr/local/bin, the API server script. */
export function standinSetup(): Required<Pick<SandboxOptions, 'files' | 'setup'>> {
  const read = (name: string) => readFileSync(join(standinDir, name));
  return {
    files: {
      '/usr/local/bin/systemctl': { content: read('systemctl'), mode: 0o755 },
      '/usr/local/bin/kubectl': { content: read('kubectl'), mode: 0o755 },
      '/usr/local/lib/standin/apiserver.js': { content: read('apiserver.js'), mode: 0o644 },
    },
    // Runs inside each host before its sshd starts: where node is, and the host's own address.
    setup: ({ address }) => `mkdir -p /var/lib/standin/systemd /var/log/standin
printf 'STANDIN_NODE=%s\\nSTANDIN_ADDRESS=%s\\n' '${process.execPath}' '${address}' > /usr/local/lib/standin/standin.env
`,
  };
}

/** Lines of a stand-in's call log on a host (`systemctl` or `kubectl`). */
export function callLog(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

/**
 * inventory/ha-masters.yaml as shipped, with each host's connection variables (address, port,
 * user, key) pointed at the sandbox host of the same name, and `vars` merged into all.vars.
 */
export function sandboxInventory(sandbox: Sandbox, vars: Record<string, unknown> = {}): string {
  const inventory = load(readFileSync(join(repoRoot, 'inventory', 'ha-masters.yaml'), 'utf8')) as {
    all: { vars: Record<string, unknown>; children: Record<string, { hosts: Record<string, Record<string, unknown>> }> };
  };
  for (const group of Object.values(inventory.all.children)) {
    for (const [name, hostVars] of Object.entries(group.hosts)) {
      const host = sandbox.host(name);
      Object.assign(hostVars, { ansible_host: host.address, ansible_port: host.port, ansible_user: host.user, ansible_ssh_private_key_file: sandbox.keyFile });
    }
  }
  Object.assign(inventory.all.vars, vars);
  return dump(inventory, { lineWidth: -1 });
}
