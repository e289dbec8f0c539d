// Start-up of the runbook command next to bare node, in the same loop: `node -e 0`, `runbook
// --version`, and `runbook apply` of the benchmark playbook (30 tasks) to its first connection (one
// host on a loopback port nothing listens on: refused at once, the run ends there). The apply case
// also runs the three ways runbook can start, to show what each step buys: dist/lib as `tsc` alone
// leaves it, the bundle compiled from source, and the bundle with its code cache (what
// bin/runbook.js runs after `npm run build`). The commands alternate, so a busy machine slows
// each of them alike; medians of wall time and of CPU (user+sys, GNU time).
// Two more rows read the clock inside the process (a preloaded hook, FIRST_CONNECTION_HOOK): the
// CPU and time since the process started at the moment runbook opens its first connection, next
// to bare node's at its exit. The whole-process rows include the refused run's end (the recap,
// the exit); these are the start-up a real run pays before its first byte to a host.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { measure } from './measure.js';
import { playbookFile, repoRoot } from './tools.js';

export interface StartupRow { name: string; wallS: number; cpuS: number; codes: number[]; expected: number; inProcess: boolean }
export interface StartupResult { runs: number; rows: StartupRow[]; loadBefore: number; loadAfter: number }

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Preloaded with `node -r`: writes "CPU-seconds wall-seconds" since the process started to
 * $RUNBOOK_BENCH_MARK, when the first socket connects (RUNBOOK_BENCH_AT=connect) or else at exit.
 * Only the connect hook loads node:net (runbook loads it anyway before it connects).
 */
const FIRST_CONNECTION_HOOK = `'use strict';
const { writeFileSync } = require('node:fs');
let written = false;
function mark() {
  if (written) return;
  written = true;
  const { user, system } = process.cpuUsage();
  writeFileSync(process.env.RUNBOOK_BENCH_MARK, \`\${(user + system) / 1e6} \${performance.now() / 1e3}\`);
}
if (process.env.RUNBOOK_BENCH_AT === 'connect') {
  const { Socket } = require('node:net');
  const connect = Socket.prototype.connect;
  Socket.prototype.connect = function (...args) {
    mark();
    return connect.apply(this, args);
  };
}
process.on('exit', mark);
`;

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
    const hook = join(dir, 'first-connection.cjs');
    writeFileSync(hook, FIRST_CONNECTION_HOOK);
    const mark = join(dir, 'mark');
    // [row, node's arguments, expected exit code, hook point (in-process rows)]
    const cases: Array<[string, string[], number, ('exit' | 'connect')?]> = [
      ['`node -e 0`', ['-e', '0'], 0],
      ['`runbook --version`', [bin, '--version'], 0],
      ['`runbook apply` to its first connection (one refused host, 30-task plan), whole process', [bin, ...applyArgs], 3],
      ['… from dist/lib (`tsc` alone, no bundle)', ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(join(repoRoot, 'dist', 'lib', 'cli', 'main.js'))}); process.exitCode = await main(${JSON.stringify(applyArgs)});`], 3],
      ['… from the bundle without its code cache', ['--input-type=module', '-e', viaBundle('null')], 3],
      ['in-process: `node -e 0` at its exit', ['-r', hook, '-e', '0'], 0, 'exit'],
      ['in-process: **`runbook apply` when it opens its first connection**', ['-r', hook, bin, ...applyArgs], 3, 'connect'],
    ];
    const samples = cases.map(() => ({ wall: [] as number[], cpu: [] as number[], codes: [] as number[] }));
    const loadBefore = os.loadavg()[0];
    log(`start-up: ${cases.length} commands alternated, ${runs} runs each`);
    for (let run = 0; run < runs; run++) {
      for (const [i, [, args, , at]] of cases.entries()) {
        rmSync(mark, { force: true });
        const m = await measure(process.execPath, args, { cwd: dir, env: at ? { RUNBOOK_BENCH_MARK: mark, RUNBOOK_BENCH_AT: at } : {} });
        const [cpuS, wallS] = at ? readMark(mark) : [m.cpuS ?? NaN, m.wallS];
        samples[i].wall.push(wallS);
        samples[i].cpu.push(cpuS);
        samples[i].codes.push(m.code);
      }
    }
    const rows = cases.map(([name, , expected, at], i) => ({ name, wallS: median(samples[i].wall), cpuS: median(samples[i].cpu), codes: [...new Set(samples[i].codes)], expected, inProcess: at !== undefined }));
    return { runs, rows, loadBefore, loadAfter: os.loadavg()[0] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The hook's "CPU-seconds wall-seconds"; NaN when the process never got there. */
function readMark(file: string): [number, number] {
  try {
    const [cpu, wall] = readFileSync(file, 'utf8').split(' ').map(Number);
    return [cpu, wall];
  } catch {
    return [NaN, NaN];
  }
}

/** Every command exited as it should (0, and 3 (unreachable) for the refused apply) and the hooks wrote their mark. */
export function startupProblems(result: StartupResult): string[] {
  return result.rows.flatMap((row) => [
    ...(row.codes.every((code) => code === row.expected) ? [] : [`start-up: ${row.name} exited ${row.codes.join(', ')} (expected ${row.expected})`]),
    ...(Number.isNaN(row.cpuS) || Number.isNaN(row.wallS) ? [`start-up: ${row.name}: no measurement`] : []),
  ]);
}

export function renderStartup(result: StartupResult): string {
  const node = result.rows[0];
  // The in-process rows compare with bare node's own in-process row.
  const inProcessNode = result.rows.find((row) => row.inProcess) ?? node;
  const s = (n: number) => n.toFixed(3);
  const over = (n: number, base: number) => (n === base ? '' : ` (${n >= base ? '+' : '-'}${s(Math.abs(n - base))})`);
  return [
    '',
    `## Start-up (medians of ${result.runs} alternated runs; load average ${result.loadBefore.toFixed(1)} before, ${result.loadAfter.toFixed(1)} after)`,
    '',
    '| | wall s | CPU s (user+sys) |',
    '|---|---|---|',
    ...result.rows.map((row) => {
      const base = row.inProcess ? inProcessNode : node;
      return `| ${row.name} | ${s(row.wallS)}${over(row.wallS, base.wallS)} | ${s(row.cpuS)}${over(row.cpuS, base.cpuS)} |`;
    }),
    '',
    'In parentheses: over bare `node -e 0` in the same loop (the in-process rows: over its in-process row). The refused apply loads the inventory and the 30-task playbook, checks every task (preflight), starts the reporter and the engine, and ends at the refused connection (exit 3). The in-process rows are read by a hook preloaded with `node -r`, from the process start (`process.cpuUsage()`, `performance.now()`): runbook at the moment it opens its first connection, bare node at its exit.',
    '',
  ].join('\n');
}
