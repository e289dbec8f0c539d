// Start-up of the runbook command next to bare node, in the same loop: `node -e 0`, `runbook
// --version`, and `runbook apply` of the benchmark playbook (30 tasks) to its first connection (one
// host on a loopback port nothing listens on: refused at once, the run ends there). The apply case
// also runs the three ways runbook can start, to show what each step buys: dist/lib as `tsc` alone
// leaves it, the bundle compiled from source, and the bundle with its code cache (what
// bin/runbook.js runs after `npm run build`). The commands alternate, so a busy machine slows
// each of them alike; medians of wall time and of CPU (user+sys, GNU time).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { measure } from './measure.js';
import { playbookFile, repoRoot } from './tools.js';

export interface StartupRow { name: string; wallS: number; cpuS: number; codes: number[] }
export interface StartupResult { runs: number; rows: StartupRow[]; loadBefore: number; loadAfter: number }

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchStartup(runs: number, log: (line: string) => void): Promise<StartupResult> {
  const dir = mkdtempSync(join(os.tmpdir(), 'rbbench-startup-'));
  try {
    const port = await closedPort();
    const inventory = join(dir, 'inventory.yaml');
    writeFileSync(inventory, `all:\n  hosts:\n    refused:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port}\n      ansible_user: bench\n`);
    const applyArgs = ['apply', inventory, playbookFile, '--output', 'plain', '--known-hosts', join(dir, 'known_hosts')];
    const bin = join(repoRoot, 'bin', 'runbook.js');
    const loader = join(repoRoot, 'bin', 'load-bundle.js');
    const viaBundle = (cache: string) => `const { loadBundle } = await import(${JSON.stringify(loader)}); process.exitCode = await loadBundle({ cache: ${cache} }).exports.main(${JSON.stringify(applyArgs)});`;
    const cases: Array<[string, string[]]> = [
      ['`node -e 0`', ['-e', '0']],
      ['`runbook --version`', [bin, '--version']],
      ['`runbook apply` to its first connection (one refused host, 30-task plan)', [bin, ...applyArgs]],
      ['… from dist/lib (`tsc` alone, no bundle)', ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(join(repoRoot, 'dist', 'lib', 'cli', 'main.js'))}); process.exitCode = await main(${JSON.stringify(applyArgs)});`]],
      ['… from the bundle without its code cache', ['--input-type=module', '-e', viaBundle('null')]],
    ];
    const samples = cases.map(() => ({ wall: [] as number[], cpu: [] as number[], codes: [] as number[] }));
    const loadBefore = os.loadavg()[0];
    log(`start-up: ${cases.length} commands alternated, ${runs} runs each`);
    for (let run = 0; run < runs; run++) {
      for (const [i, [, args]] of cases.entries()) {
        const m = await measure(process.execPath, args, { cwd: dir });
        samples[i].wall.push(m.wallS);
        samples[i].cpu.push(m.cpuS ?? NaN);
        samples[i].codes.push(m.code);
      }
    }
    const rows = cases.map(([name], i) => ({ name, wallS: median(samples[i].wall), cpuS: median(samples[i].cpu), codes: [...new Set(samples[i].codes)] }));
    return { runs, rows, loadBefore, loadAfter: os.loadavg()[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every command exited as it should: 0, and 3 (unreachable) for the refused apply. */
export function startupProblems(result: StartupResult): string[] {
  return result.rows.flatMap((row, i) => {
    const expected = i < 2 ? 0 : 3;
    return row.codes.every((code) => code === expected) ? [] : [`start-up: ${row.name} exited ${row.codes.join(', ')} (expected ${expected})`];
  });
}

export function renderStartup(result: StartupResult): string {
  const node = result.rows[0];
  const s = (n: number) => n.toFixed(3);
  const over = (n: number, base: number) => (n === base ? '' : ` (+${s(n - base)})`);
  return [
    '',
    `## Start-up (medians of ${result.runs} alternated runs; load average ${result.loadBefore.toFixed(1)} before, ${result.loadAfter.toFixed(1)} after)`,
    '',
    '| | wall s | CPU s (user+sys) |',
    '|---|---|---|',
    ...result.rows.map((row) => `| ${row.name} | ${s(row.wallS)}${over(row.wallS, node.wallS)} | ${s(row.cpuS)}${over(row.cpuS, node.cpuS)} |`),
    '',
    'In parentheses: over bare `node -e 0` in the same loop. The refused apply loads the inventory and the 30-task playbook, checks every task (preflight), starts the reporter and the engine, and ends at the refused connection (exit 3).',
    '',
  ].join('\n');
}
