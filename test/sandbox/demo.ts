// `npm run demo`: the HA masters playbooks applied to three sandbox hosts (master01, master02,
// lb01: real sshd, stand-ins for systemd/kubelet/API server/kubectl), twice, then a summary.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../e2e/cli.js';
import { sandboxInventory, standinSetup } from '../standins/index.js';
import { Sandbox } from './hosts.js';

const names = ['master01', 'master02', 'lb01'];

function apply(inventory: string, sandbox: Sandbox, capture: boolean): Promise<{ code: number; ms: number; events: any[] }> {
  const started = Date.now();
  const args = [join(repoRoot, 'bin', 'runbook.js'), 'apply', inventory, '--known-hosts', sandbox.knownHostsFile, ...(capture ? ['--output', 'json'] : [])];
  return new Promise((resolve, reject) => {
    // Inherited stdio: the live view when run in a terminal, plain lines otherwise.
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const events = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      resolve({ code: code ?? 1, ms: Date.now() - started, events });
    });
  });
}

async function main(): Promise<number> {
  console.log('Starting sandbox hosts master01, master02, lb01 (real sshd; stand-ins for systemd, kubelet, API server, kubectl)…');
  const sandbox = await Sandbox.start({ count: names.length, names, ...standinSetup() });
  try {
    const inventory = join(sandbox.dir, 'ha-masters.yaml');
    writeFileSync(inventory, sandboxInventory(sandbox));
    console.log(`\n== runbook apply ${inventory}   (first run, fresh hosts)\n`);
    const first = await apply(inventory, sandbox, false);
    console.log(`\n== runbook apply ${inventory} --output json   (second run)\n`);
    const second = await apply(inventory, sandbox, true);
    const recap = second.events.find((e) => e.type === 'recap');
    for (const [host, r] of Object.entries(recap?.hosts ?? {}) as [string, any][]) {
      console.log(`${host.padEnd(10)} ok=${r.ok} changed=${r.changed} failed=${r.failed} skipped=${r.skipped}`);
    }
    const changed = second.events.filter((e) => e.type === 'task_result' && e.status === 'changed').map((e) => `${e.host} | ${e.task}`);
    if (changed.length) console.log(`changed on the second run:\n  ${changed.join('\n  ')}`);
    for (const e of second.events.filter((e) => e.type === 'task_result' && e.status === 'failed')) console.log(`FAILED ${e.host} | ${e.task}: ${e.message}`);
    const code = await summary(sandbox, first, second, changed.length);
    nextSteps(inventory, sandbox);
    // On a terminal the hosts stay up, with the same inventory, so the next steps can be tried as printed.
    if (process.stdin.isTTY) {
      console.log('\nThe sandbox hosts stay up for these until you press Enter (or Ctrl-C).');
      await new Promise((resolve) => process.stdin.once('data', resolve));
      process.stdin.pause();
    }
    return code;
  } finally {
    await sandbox.stop();
  }
}

async function summary(sandbox: Sandbox, first: { code: number; ms: number }, second: { code: number; ms: number }, secondChanged: number): Promise<number> {
  const pki = '/etc/kubernetes/pki';
  const verify = await sandbox.run('master02', `openssl verify -CAfile ${pki}/ca.crt ${pki}/apiserver.crt`);
  const sans = await sandbox.run('master02', `openssl x509 -in ${pki}/apiserver.crt -noout -ext subjectAltName | tail -n +2`);
  const sums = `sha256sum ${pki}/ca.crt ${pki}/apiserver.crt ${pki}/apiserver.key ${pki}/sa.key ${pki}/sa.pub | cut -c1-64`;
  const [a, b] = [await sandbox.run('master01', sums), await sandbox.run('master02', sums)];
  const log = await sandbox.run('master02', 'cat /var/log/standin/systemctl.log');
  console.log('\n== Summary');
  console.log(`first run:  exit ${first.code}, ${(first.ms / 1000).toFixed(1)}s`);
  console.log(`second run: exit ${second.code}, ${(second.ms / 1000).toFixed(1)}s, changed=${secondChanged}`);
  console.log(`master02: openssl verify -CAfile ca.crt apiserver.crt → ${(verify.stdout + verify.stderr).trim()}`);
  console.log(`apiserver.crt SANs: ${sans.stdout.trim()}`);
  console.log(`ca.crt, apiserver.crt/.key, sa.key/.pub byte-identical on master01 and master02: ${a.stdout === b.stdout && a.code === 0 ? 'yes' : 'NO'}`);
  console.log(`systemctl calls on master02: ${log.stdout.trim().split('\n').join(' | ')}`);
  return first.code !== 0 || second.code !== 0 || secondChanged !== 0 || verify.code !== 0 ? 1 : 0;
}

function nextSteps(inventory: string, sandbox: Sandbox): void {
  const runbook = `node ${join(repoRoot, 'bin', 'runbook.js')}`;
  const common = `-i ${inventory} --known-hosts ${sandbox.knownHostsFile}`;
  console.log('\n== Next steps');
  console.log(`1. Edit a template (e.g. playbooks/templates/kubelet.service.j2), then see exactly what would change, with diffs:\n     ${runbook} apply ${common} -C -D`);
  console.log(`2. Rerun one part only, e.g. the key distribution (after deleting a key on master02, it is restored):\n     ${runbook} apply ${common} --tags distribute`);
  console.log(`3. Read the walkthrough for real clusters: ${join(repoRoot, 'docs', 'ha-masters.md')}`);
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
