// `npm run bench -- --cores`: what a second core gives the controller (issue #13: near-linear
// speed-up with cores). The fleet scenario's controller-only play (200 set_fact/assert tasks per
// host, no connection: the run is the controller's own work) on N inventory hosts, run three ways,
// alternated: one thread pinned to one core (taskset), one thread on both cores, two threads
// (--workers 2) on both cores. One thread on one core is the baseline: on two cores a single
// thread already uses part of the second one (V8 compiles and collects garbage on threads of its own).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { repoRoot } from './tools.js';
import { CONTROLLER_ONLY_TASKS, controllerOnlyPlay } from './fleet.js';
import { loadAverage, measure, median, type Measured } from './measure.js';

export interface CoresResult {
  hosts: number;
  runs: number;
  cores: number;
  samples: Record<string, Array<Measured & { loadBefore: number }>>;
  problems: string[];
}

const WAYS: Array<{ key: string; cpus: string; workers: number }> = [
  { key: '1 thread, 1 core', cpus: '0', workers: 1 },
  { key: '1 thread, 2 cores', cpus: '0,1', workers: 1 },
  { key: '2 threads (--workers 2), 2 cores', cpus: '0,1', workers: 2 },
];

export async function benchCores(hosts: number, runs: number, log: (line: string) => void): Promise<CoresResult> {
  const workDir = mkdtempSync(join(os.tmpdir(), 'rbbench-cores-'));
  const problems: string[] = [];
  const samples: CoresResult['samples'] = {};
  try {
    // No task connects: the hosts' address is never used (a closed port on loopback, were it used).
    const inventory = join(workDir, 'inventory.yaml');
    const names = Array.from({ length: hosts }, (_, i) => `core${String(i + 1).padStart(5, '0')}`);
    writeFileSync(inventory, dump({ all: { hosts: Object.fromEntries(names.map((n, i) => [n, { ansible_host: '127.0.0.1', ansible_port: 9, fleet_sshd: `sshd${i % 25}` }])) } }));
    const playbook = join(workDir, 'controller-only.yaml');
    writeFileSync(playbook, dump([controllerOnlyPlay(CONTROLLER_ONLY_TASKS)]));
    for (let i = 0; i < runs; i++) {
      for (const way of WAYS) {
        const loadBefore = loadAverage();
        const run = await measure('taskset', ['-c', way.cpus, process.execPath, join(repoRoot, 'bin', 'runbook.js'), 'apply', inventory, playbook, '--output', 'json', '--workers', String(way.workers)], { cwd: workDir, env: { RUNBOOK_RECORD_DIR: 'off' } });
        const recap = run.stdout.split('\n').filter((l) => l.startsWith('{"type":"recap"')).map((l) => JSON.parse(l) as { hosts: Record<string, { ok: number; failed: number }> })[0];
        const ok = recap ? Object.values(recap.hosts).reduce((n, h) => n + h.ok, 0) : 0;
        if (run.code !== 0 || ok !== hosts * CONTROLLER_ONLY_TASKS) problems.push(`cores ${way.key} ${i + 1}: exit ${run.code}, ${ok} ok results (${hosts * CONTROLLER_ONLY_TASKS} expected) ${run.stderr.slice(0, 200)}`);
        (samples[way.key] ??= []).push({ ...run, stdout: '', loadBefore });
        log(`[cores N=${hosts}] ${way.key} ${i + 1}/${runs}: ${run.wallS.toFixed(2)} s, CPU ${run.cpuS?.toFixed(2)} s, load ${loadBefore.toFixed(1)}`);
      }
    }
    return { hosts, runs, cores: os.cpus().length, samples, problems };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function renderCores(r: CoresResult): string {
  const wall = (key: string) => median(r.samples[key].map((s) => s.wallS));
  const base = wall(WAYS[0].key);
  const rows = WAYS.map(({ key }) => {
    const ss = r.samples[key];
    const walls = ss.map((s) => s.wallS);
    const cpu = median(ss.map((s) => s.cpuS ?? NaN));
    // Each round's own ratio (its runs follow one another): this machine's speed drifts between rounds.
    const ratios = ss.map((s, i) => r.samples[WAYS[0].key][i].wallS / s.wallS);
    return `| ${key} | ${wall(key).toFixed(2)} (${Math.min(...walls).toFixed(2)}–${Math.max(...walls).toFixed(2)}) | ${cpu.toFixed(2)} | ${((cpu / r.hosts) * 1000).toFixed(2)} | ${(base / wall(key)).toFixed(2)}× | ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`;
  });
  return [
    `## Speed-up with cores: controller only, ${r.hosts} hosts × ${CONTROLLER_ONLY_TASKS} tasks (medians of ${r.runs} alternated rounds; ${r.cores} CPUs; load ${Math.min(...Object.values(r.samples).flat().map((s) => s.loadBefore)).toFixed(1)}–${Math.max(...Object.values(r.samples).flat().map((s) => s.loadBefore)).toFixed(1)})`,
    '',
    '| run | wall s (min–max) | CPU s | CPU ms per host | speed-up over 1 thread on 1 core (medians) | per round: median (min–max) |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    ...(r.problems.length ? ['Problems:', ...r.problems.map((p) => `- ${p}`)] : []),
  ].join('\n');
}
