// One tool, one fresh set of N sandbox hosts, every scenario in turn. Work
// that is not being measured (drift, snapshots, log reading) happens between
// runs, never during one.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '../sandbox/hosts.js';
import { hostsCpuS, hostsSettled, loadAverage, measure, type Measured } from './measure.js';
import { HANDLER_LOG, driftHosts, drift, firstDifference, snapshotAll, without, type Snapshot } from './snapshot.js';
import { AnsibleTool, RunbookTool, floorScript, repoRoot, runProblem, type RunMode, type Tool, type ToolName, type ToolRun } from './tools.js';

export const SCENARIOS = ['first apply', 'no-op rerun', 'dry-run (converged)', 'drift repair'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface Sample extends ToolRun {
  /** New SSH logins sshd accepted during this run, per host (mean). */
  sshdConnectionsPerHost: number;
  loadBefore: number;
}

export interface ToolResult {
  tool: ToolName;
  samples: Record<Scenario, Sample[]>;
  afterFirstApply: Snapshot;
  afterAll: Snapshot;
  driftHosts: string[];
  /** runbook only: the bare ssh2 floor (one connection, one `true` per host), run next to each no-op rerun (before it every other time). */
  floor?: Measured[];
  /** Things that make the numbers suspect or the tool wrong; empty when all is well. */
  problems: string[];
}

export interface BenchLog { (line: string): void }

export async function benchTool(toolName: ToolName, hosts: number, runs: number, log: BenchLog): Promise<ToolResult> {
  log(`[${toolName} N=${hosts}] starting ${hosts} sandbox hosts`);
  const sandbox = await Sandbox.start({ count: hosts, prefix: 'bench' });
  const workDir = mkdtempSync(join(os.tmpdir(), `rbbench-${toolName}-`));
  const tool: Tool = toolName === 'runbook' ? new RunbookTool(sandbox, workDir) : new AnsibleTool(sandbox, workDir);
  const problems: string[] = [];
  const samples = Object.fromEntries(SCENARIOS.map((s) => [s, [] as Sample[]])) as Record<Scenario, Sample[]>;
  const drifted = driftHosts(sandbox);

  const connections = () => sandbox.hosts.reduce((n, h) => n + sandbox.connectionsAccepted(h.name), 0);
  const sshds = sandbox.hosts.map((h) => h.pid);
  /**
   * The hosts' CPU during `work` (their sshd's and sessions, reaped), added to what it measured.
   * runbook's and the floor's only: Ansible's ControlPersist masters outlive its runs.
   */
  const withHostsCpu = async <T extends Measured>(work: () => Promise<T>): Promise<T> => {
    if (toolName !== 'runbook') return work();
    await hostsSettled(sshds);
    const before = hostsCpuS(sshds);
    const result = await work();
    await hostsSettled(sshds);
    return { ...result, hostsCpuS: hostsCpuS(sshds) - before };
  };
  const measured = async (scenario: Scenario, mode: RunMode, i: number): Promise<Sample> => {
    let before = connections();
    let loadBefore = loadAverage();
    let run = await withHostsCpu(() => tool.run(mode));
    let problem = runProblem(run, hosts);
    if (problem) {
      // One retry, so a transient failure does not throw away a long bench; it is still reported.
      problems.push(`${toolName}: ${scenario} ${i + 1} failed and was retried: ${problem}`);
      log(`[${toolName} N=${hosts}] ${scenario} ${i + 1} FAILED, retrying once:\n${problem}`);
      if (mode === 'apply' && scenario === 'drift repair') await drift(sandbox, drifted);
      before = connections();
      loadBefore = loadAverage();
      run = await withHostsCpu(() => tool.run(mode));
      problem = runProblem(run, hosts);
      if (problem) throw new Error(`${toolName} ${scenario} failed twice on N=${hosts}: ${problem}`);
    }
    const sample: Sample = { ...run, sshdConnectionsPerHost: (connections() - before) / hosts, loadBefore };
    samples[scenario].push(sample);
    const changed = Object.values(run.hosts).reduce((n, h) => n + h.changed, 0);
    log(`[${toolName} N=${hosts}] ${scenario} ${i + 1}/${scenario === 'first apply' ? 1 : runs}: ${run.wallS.toFixed(2)} s, changed ${changed}, load ${loadBefore.toFixed(2)}`);
    return sample;
  };
  const expectNoChange = (scenario: Scenario, s: Sample) => {
    const changed = Object.entries(s.hosts).filter(([, h]) => h.changed > 0).map(([n, h]) => `${n}=${h.changed}`);
    if (changed.length) problems.push(`${toolName}: ${scenario} changed something on converged hosts: ${changed.join(', ')}`);
  };

  try {
    await measured('first apply', 'apply', 0);
    const afterFirstApply = await snapshotAll(sandbox);

    const floor: Measured[] = [];
    const measureFloor = async (i: number) => {
      const f = await withHostsCpu(() => measure(process.execPath, [floorScript, join(workDir, 'inventory.yaml'), sandbox.knownHostsFile], { cwd: repoRoot }));
      if (f.code !== 0) problems.push(`floor ${i + 1} failed: ${f.stderr.trim() || f.stdout.trim()}`);
      floor.push(f);
      log(`[floor N=${hosts}] bare ssh2, 1 round trip per host ${i + 1}/${runs}: ${f.wallS.toFixed(2)} s, CPU ${f.cpuS?.toFixed(2) ?? '–'} s, hosts' CPU ${f.hostsCpuS?.toFixed(2)} s`);
    };
    for (let i = 0; i < runs; i++) {
      // Next to each no-op rerun, on the same hosts and machine state: the floor the no-op is
      // compared with, run first every other time so neither gains from going second.
      const floorFirst = toolName === 'runbook' && i % 2 === 1;
      if (floorFirst) await measureFloor(i);
      expectNoChange('no-op rerun', await measured('no-op rerun', 'apply', i));
      if (toolName === 'runbook' && !floorFirst) await measureFloor(i);
    }

    for (let i = 0; i < runs; i++) expectNoChange('dry-run (converged)', await measured('dry-run (converged)', 'check', i));
    const afterDryRuns = await snapshotAll(sandbox);
    const touched = firstDifference(afterFirstApply, afterDryRuns, 'before', 'after dry-runs');
    if (touched) problems.push(`${toolName}: converged hosts changed across no-op and dry-runs: ${touched}`);

    for (let i = 0; i < runs; i++) {
      await drift(sandbox, drifted);
      const s = await measured('drift repair', 'apply', i);
      for (const [name, h] of Object.entries(s.hosts)) {
        const isDrifted = drifted.includes(name);
        // Three resources, plus the handler the template change notifies.
        if (isDrifted ? h.changed < 3 : h.changed !== 0) problems.push(`${toolName}: drift repair ${i + 1} changed ${h.changed} on ${name} (${isDrifted ? 'drifted' : 'untouched'})`);
      }
    }
    const afterAll = await snapshotAll(sandbox);
    const unrepaired = firstDifference(without(afterFirstApply, HANDLER_LOG), without(afterAll, HANDLER_LOG), 'first apply', 'after drift repairs');
    if (unrepaired) problems.push(`${toolName}: drift was not fully repaired: ${unrepaired}`);
    return { tool: toolName, samples, afterFirstApply, afterAll, driftHosts: drifted, problems, ...(floor.length ? { floor } : {}) };
  } finally {
    tool.close();
    await sandbox.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
