// Writes dist/bundle/runbook.cjs.cache, V8's compiled code of the bundle (see bin/load-bundle.js), and ssh2.cjs.cache,
// after a training run: V8 compiles a function when it first runs, and the cache holds what was
// compiled when it is written. The training is what every `runbook apply` does before its first
// connection: parse the flags, load an inventory and a playbook with templates, plan, start the
// reporter (plain and tty) and the engine, and connect, here to a loopback port nothing listens on
// (refused at once: no host is contacted, nothing leaves the machine). Run by tools/bundle.mjs;
// its output is not shown. Nothing secret is in the cache: code only, no state.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFileBytes, checksum, compiled, loadBundle } from '../bin/load-bundle.js';

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PLAYBOOK = `- name: Training
  hosts: all
  gather_facts: false
  vars:
    root: /srv/training
    peers: [alpha, beta]
  handlers:
    - name: Reload
      shell: "echo reload {{ root }}"
  tasks:
    - name: Directory
      file: { path: "{{ root }}", state: directory, mode: "0755" }
    - name: Content
      copy:
        dest: "{{ root }}/peers"
        content: "{{ peers | join(',') }}\\n"
        mode: "0644"
      notify: Reload
    - name: Template
      template: { src: training.j2, dest: "{{ root }}/conf", mode: "0600" }
      notify: Reload
    - name: Command
      command: touch {{ root }}/done
      args: { creates: "{{ root }}/done" }
`;

if (!checksum) {
  console.warn('bundle: this Node has no zlib.crc32 (Node >= 20.15 has): no code cache');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
const { exports } = loadBundle({ cache: null });
try {
  const port = await closedPort();
  writeFileSync(join(dir, 'inventory.yaml'), `all:\n  hosts:\n    training:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port}\n      ansible_user: training\n`);
  writeFileSync(join(dir, 'playbook.yaml'), PLAYBOOK);
  writeFileSync(join(dir, 'training.j2'), '{% for p in peers %}peer {{ p }} {{ root | basename }}\n{% endfor %}');
  for (const output of ['plain', 'tty']) {
    await exports.main(['apply', join(dir, 'inventory.yaml'), join(dir, 'playbook.yaml'), '--output', output, '--known-hosts', join(dir, 'known_hosts')]);
  }
  // The same through yargs (`--output=plain` is not a plain command line, lib/cli/simple-args.ts):
  // runbook run, inventory, vault and unusual apply command lines start from the cache too.
  await exports.main(['apply', join(dir, 'inventory.yaml'), join(dir, 'playbook.yaml'), '--output=plain', '--known-hosts', join(dir, 'known_hosts')]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// The bundle's cache and those of the parts the training loaded (ssh2.cjs: its first connection).
for (const { file, script, sourceChecksum } of compiled) writeFileSync(`${file}.cache`, cacheFileBytes(sourceChecksum, script.createCachedData()));
// main() leaves nothing open, but a reporter's timer must not keep the build waiting.
process.exit(0);
