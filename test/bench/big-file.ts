// `npm run bench -- --big-file`: controller memory when files are big, measured with GNU time:
// a copy of one big file to N hosts (streamed: read once for its checksum, then sent to each
// host with backpressure), the same file relayed from one host to the others (copy_from_host,
// streamed), a template a tenth of the size (rendered per host in pieces, streamed), and a command
// printing far more output than runbook keeps.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { measure } from './measure.js';
import { repoRoot } from './tools.js';

export interface BigFileResult {
  scenario: string;
  hosts: number;
  sizeMiB: number;
  code: number;
  wallS: number;
  rssMB?: number;
}

/** Cases: [hosts, MiB]. 100 hosts get a smaller file: 100 copies of 200 MiB do not fit this machine's disk. */
export const BIG_FILE_CASES: Array<[number, number]> = [[1, 200], [3, 200], [100, 20]];

export async function benchBigFile(cases: Array<[number, number]>, log: (line: string) => void): Promise<BigFileResult[]> {
  const results: BigFileResult[] = [];
  for (const [hosts, sizeMiB] of cases) {
    const sandbox = await Sandbox.start({ count: hosts, prefix: 'big' });
    try {
      const inventory = join(sandbox.dir, 'inventory.yaml');
      sandbox.writeInventory(inventory);
      const source = join(sandbox.dir, 'big.bin');
      writeRandomFile(source, sizeMiB);
      const copy = join(sandbox.dir, 'copy.yaml');
      writeFileSync(copy, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {src: ${source}, dest: /srv/big.bin}\n`);
      const args = [join(repoRoot, 'bin', 'runbook.js'), 'apply', inventory, copy, '--known-hosts', sandbox.knownHostsFile, '--output', 'plain'];
      const run = await measure(process.execPath, args);
      log(`big-file: copy ${sizeMiB} MiB to ${hosts} host(s): exit ${run.code}, ${run.wallS.toFixed(1)} s, peak RSS ${run.rssMB?.toFixed(0)} MB`);
      results.push({ scenario: 'copy (src streamed)', hosts, sizeMiB, code: run.code, wallS: run.wallS, rssMB: run.rssMB });
      if (hosts <= 3) {
        // The file just copied, relayed from the first host to every host (itself included).
        const relay = join(sandbox.dir, 'relay.yaml');
        writeFileSync(relay, `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy_from_host: {from_host: ${sandbox.hosts[0].name}, src: /srv/big.bin, dest: /srv/relayed.bin}\n`);
        const relayed = await measure(process.execPath, [...args.slice(0, 3), relay, ...args.slice(4)]);
        log(`big-file: copy_from_host ${sizeMiB} MiB to ${hosts} host(s): exit ${relayed.code}, ${relayed.wallS.toFixed(1)} s, peak RSS ${relayed.rssMB?.toFixed(0)} MB`);
        results.push({ scenario: 'copy_from_host (streamed)', hosts, sizeMiB, code: relayed.code, wallS: relayed.wallS, rssMB: relayed.rssMB });
        // A template a tenth of the size: compiled once, rendered per host in pieces, streamed.
        const templateMiB = Math.max(1, Math.round(sizeMiB / 10));
        const templateFile = join(sandbox.dir, 'big.j2');
        writeTemplate(templateFile, templateMiB);
        const templated = join(sandbox.dir, 'template.yaml');
        writeFileSync(templated, `- hosts: all\n  gather_facts: false\n  tasks:\n    - template: {src: ${templateFile}, dest: /srv/templated.txt}\n`);
        const rendered = await measure(process.execPath, [...args.slice(0, 3), templated, ...args.slice(4)]);
        log(`big-file: template rendering ${templateMiB} MiB on ${hosts} host(s): exit ${rendered.code}, ${rendered.wallS.toFixed(1)} s, peak RSS ${rendered.rssMB?.toFixed(0)} MB`);
        results.push({ scenario: 'template (rendered in pieces, streamed)', hosts, sizeMiB: templateMiB, code: rendered.code, wallS: rendered.wallS, rssMB: rendered.rssMB });
        const loud = join(sandbox.dir, 'loud.yaml');
        writeFileSync(loud, `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: head -c ${600 * 1024 * 1024} /dev/zero\n`);
        const output = await measure(process.execPath, [...args.slice(0, 3), loud, ...args.slice(4)]);
        log(`big-file: 600 MiB of command output on ${hosts} host(s): exit ${output.code}, peak RSS ${output.rssMB?.toFixed(0)} MB`);
        results.push({ scenario: 'command printing 600 MiB', hosts, sizeMiB: 600, code: output.code, wallS: output.wallS, rssMB: output.rssMB });
      }
      for (const h of sandbox.hosts) await sandbox.run(h.name, 'rm -f /srv/big.bin /srv/relayed.bin /srv/templated.txt');
      rmSync(source, { force: true });
    } finally {
      await sandbox.stop();
    }
  }
  return results;
}

/** Text lines with a variable in each 4 KiB block, so the renderer does real work. */
function writeTemplate(file: string, sizeMiB: number): void {
  const block = `{{ inventory_hostname }} ${'x'.repeat(4000)}\n`.padEnd(4096, 'y');
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < sizeMiB * 256; i++) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
}

function writeRandomFile(file: string, sizeMiB: number): void {
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < sizeMiB; i++) writeSync(fd, randomBytes(1024 * 1024));
  } finally {
    closeSync(fd);
  }
}

export function renderBigFile(results: BigFileResult[]): string {
  const lines = ['## Big files: controller memory', '', '| scenario | hosts | size | exit | wall | peak RSS |', '|---|---|---|---|---|---|'];
  for (const r of results) lines.push(`| ${r.scenario} | ${r.hosts} | ${r.sizeMiB} MiB | ${r.code} | ${r.wallS.toFixed(1)} s | ${r.rssMB?.toFixed(0) ?? '?'} MB |`);
  return `${lines.join('\n')}\n`;
}
