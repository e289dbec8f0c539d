// The fleet scenario (`npm run bench -- --hosts 1000`): many inventory hosts behind a few dozen
// sandbox sshd's, so what is measured is the controller: its CPU per host, wall, peak RSS. Each
// sshd is converged once through its own address (a 1-per-sshd inventory), then every inventory
// host, each with its own connection, finds the converged tree: the no-op rerun and the dry-run
// are measured at full size. Connect and fact timeouts are raised: the sandbox sshd's share the
// controller's machine, and 1,000 logins are their work, not the controller's. The sshd's raise MaxStartups and MaxSessions (runbook still keeps
// at most 8 handshakes at once per sshd, see lib/transport/ssh.ts). A third scenario runs tasks that need
// no connection at all (controller only): what the controller and its threads cost on their own.
//
// Endpoints: by default (`distinct`) every inventory host has its own (address, port), each sshd
// listening on up to 16 ports (sshd's MAX_LISTEN_SOCKS), as a fleet of that many machines would: with
// --persist, 1,000 hosts are 1,000 kept connections (the bench checks the keeper holds them).
// `shared` (--fleet-endpoints shared, the fleet of earlier rounds): the inventory hosts of one sshd
// share its address and port, so one run shares one kept connection among them (as OpenSSH's
// ControlPath %C would); fresh connections are one per inventory host either way.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { dump } from 'js-yaml';
import { Sandbox } from '../sandbox/hosts.js';
import { loadAverage, measure, median } from './measure.js';
import { RunbookTool, floorScript, keptEndpoints, playbookFile, repoRoot, runProblem, type RunMode, type ToolRun } from './tools.js';

export interface FleetSample extends ToolRun { loadBefore: number }
export type FleetEndpoints = 'distinct' | 'shared';
export interface FleetResult {
  hosts: number;
  sshds: number;
  endpoints: FleetEndpoints;
  /** Distinct (address, port) of the inventory: the kept connections a --persist run holds. */
  endpointCount: number;
  runs: number;
  converge: FleetSample;
  /** By scenario and thread count ('no-op rerun, 2 threads'). */
  samples: Record<string, FleetSample[]>;
  problems: string[];
}

const FLEET_SSHD_CONFIG = 'MaxStartups 200:30:400\nMaxSessions 64\n';
/** Listen sockets one sshd may have (OpenSSH 9.2 sshd.c MAX_LISTEN_SOCKS). */
const PORTS_PER_SSHD = 16;

/**
 * `threads`: runbook's --workers values to measure (undefined: its own choice). With distinct
 * endpoints, `sshds` is raised to what gives every host its own port (1,000 hosts: 63 sshd's).
 */
export async function benchFleet(hosts: number, sshdsAsked: number, runs: number, log: (line: string) => void, threads: Array<number | undefined> = [undefined], endpoints: FleetEndpoints = 'distinct'): Promise<FleetResult> {
  const sshds = endpoints === 'distinct' ? Math.max(sshdsAsked, Math.ceil(hosts / PORTS_PER_SSHD)) : sshdsAsked;
  const listenPorts = endpoints === 'distinct' ? Math.ceil(hosts / sshds) : 1;
  log(`[fleet N=${hosts}] starting ${sshds} sandbox sshd's (${endpoints} endpoints: ${listenPorts} port${listenPorts === 1 ? '' : 's'} each)`);
  const sandbox = await Sandbox.start({ count: sshds, prefix: 'fleet', sshdConfig: FLEET_SSHD_CONFIG, listenPorts });
  const workDir = mkdtempSync(join(os.tmpdir(), 'rbbench-fleet-'));
  const problems: string[] = [];
  try {
    // The bench playbook and its templates naming the sshd rather than the inventory host: the 40
    // inventory hosts of one sshd share its files, so one of them converges them for all.
    const playbook = join(workDir, 'playbook.yaml');
    writeFileSync(playbook, readFileSync(playbookFile, 'utf8').replaceAll('inventory_hostname', 'fleet_sshd'));
    mkdirSync(join(workDir, 'templates'));
    for (const t of readdirSync(join(dirname(playbookFile), 'templates'))) {
      writeFileSync(join(workDir, 'templates', t), readFileSync(join(dirname(playbookFile), 'templates', t), 'utf8').replaceAll('inventory_hostname', 'fleet_sshd'));
    }
    // Inventory host i lives on sshd i mod sshds, at its port i / sshds (distinct) or its first
    // (shared): same key, same host key (known_hosts names every address and port).
    const inventory = join(workDir, 'fleet.yaml');
    const names = Array.from({ length: hosts }, (_, i) => `fleet${String(i + 1).padStart(4, '0')}`);
    const entries = names.map((name, i) => {
      const h = sandbox.hosts[i % sshds];
      const port = h.ports[Math.floor(i / sshds) % h.ports.length];
      return [name, { ansible_host: h.address, ansible_port: port, ansible_user: 'root', ansible_ssh_private_key_file: sandbox.keyFile, fleet_sshd: h.name }];
    });
    const endpointCount = new Set(entries.map(([, e]) => { const v = e as { ansible_host: string; ansible_port: number }; return `${v.ansible_host}:${v.ansible_port}`; })).size;
    writeFileSync(inventory, dump({ all: { hosts: Object.fromEntries(entries), children: { converge: { hosts: Object.fromEntries(names.slice(0, sshds).map((n) => [n, null])) } } } }));
    // The sshd's do the work of 1,000 logins on a machine the bench shares: generous time limits,
    // so what is measured is the controller, not the connect timeout.
    const args = ['--connect-timeout', '300', '--fact-timeout', '600'];
    // Controller only: no task needs a connection, so the sshd's do nothing and the run is the
    // controller's (templating, conditions, events, reporter): where a second thread could pay off.
    const controllerOnly = join(workDir, 'controller-only.yaml');
    writeFileSync(controllerOnly, dump([controllerOnlyPlay(CONTROLLER_ONLY_TASKS)]));

    const converge = { ...(await new RunbookTool(sandbox, workDir, { inventory, playbook, args: [...args, '--limit', 'converge'] }).run('apply')), loadBefore: loadAverage() };
    const why = runProblem(converge, sshds);
    if (why) throw new Error(`fleet: converging the ${sshds} sshd's failed: ${why}`);
    log(`[fleet N=${hosts}] converged the ${sshds} sshd's in ${converge.wallS.toFixed(1)} s`);
    const samples: FleetResult['samples'] = {};
    for (const count of threads) {
      const workers = count === undefined ? [] : ['--workers', String(count)];
      const fleet = new RunbookTool(sandbox, workDir, { inventory, playbook, args: [...args, ...workers] });
      // --persist: connections kept between runs by the connection keeper (its CPU is summed in).
      const persistDir = mkdtempSync(join(workDir, 'keeper-'));
      const kept = new RunbookTool(sandbox, workDir, { inventory, playbook, args: [...args, ...workers], persistDir });
      const label = count === undefined ? '' : `, ${count} thread${count === 1 ? '' : 's'}`;
      const measureOne = async (tool: RunbookTool, key: string, mode: RunMode, i: number, reused = false) => {
        samples[key] ??= [];
        const loadBefore = loadAverage();
        const run = await tool.run(mode);
        const problem = runProblem(run, hosts);
        const changed = Object.values(run.hosts).reduce((n, h) => n + h.changed, 0);
        const connections = Object.values(run.transport ?? {}).reduce((n, t) => n + t.connections, 0);
        const reusedCount = Object.values(run.transport ?? {}).reduce((n, t) => n + (t.reused ?? 0), 0);
        if (problem) problems.push(`fleet ${key} ${i + 1}: ${problem}`);
        if (changed > 0) problems.push(`fleet ${key} ${i + 1} changed ${changed} on converged hosts`);
        if (reused && (connections > 0 || reusedCount !== hosts)) problems.push(`fleet ${key} ${i + 1}: ${connections} new connections, ${reusedCount} kept ones reused (${hosts} kept expected)`);
        if (tool === kept) {
          // The keeper holds one connection per distinct endpoint, no fewer (shared) and no more.
          const held = keptEndpoints(persistDir);
          run.keptConnections = held.connections;
          if (held.connections !== endpointCount || held.endpoints !== endpointCount) problems.push(`fleet ${key} ${i + 1}: the keeper holds ${held.connections} connections to ${held.endpoints} endpoints (${endpointCount} expected)`);
        }
        samples[key].push({ ...run, loadBefore });
        log(`[fleet N=${hosts}] ${key} ${i + 1}/${runs}: ${run.wallS.toFixed(1)} s, CPU ${run.cpuS?.toFixed(2)} s${run.keeperCpuS === undefined ? '' : ` (keeper ${run.keeperCpuS.toFixed(2)} s, ${run.keptConnections} kept connections)`}, RSS ${run.rssMB?.toFixed(0)} MB, load ${loadBefore.toFixed(1)}`);
      };
      try {
        // The keeper's first run opens every connection (not a measured no-op).
        await measureOne(kept, `first run with --persist (the keeper connects)${label}`, 'apply', 0);
        // A/B alternated: fresh connections, then kept ones, then the floor (bare ssh2: one
        // connection and one `true` per inventory host) on the same endpoints: what SSH itself costs.
        for (let i = 0; i < runs; i++) {
          await measureOne(fleet, `no-op rerun${label}`, 'apply', i);
          await measureOne(kept, `no-op rerun, kept connections (--persist; keeper CPU included)${label}`, 'apply', i, true);
          const floorKey = `the floor: bare ssh2, 1 connection and 1 \`true\` per host${label}`;
          const loadBefore = loadAverage();
          const floor = await measure(process.execPath, [floorScript, inventory, sandbox.knownHostsFile], { cwd: repoRoot });
          if (floor.code !== 0) problems.push(`fleet ${floorKey} ${i + 1}: ${floor.stderr.trim() || floor.stdout.trim()}`);
          (samples[floorKey] ??= []).push({ ...floor, hosts: {}, loadBefore });
          log(`[fleet N=${hosts}] ${floorKey} ${i + 1}/${runs}: ${floor.wallS.toFixed(1)} s, CPU ${floor.cpuS?.toFixed(2)} s, RSS ${floor.rssMB?.toFixed(0)} MB, load ${loadBefore.toFixed(1)}`);
        }
      } finally {
        kept.close();
      }
      for (let i = 0; i < runs; i++) await measureOne(fleet, `dry-run (converged)${label}`, 'check', i);
      const controller = new RunbookTool(sandbox, workDir, { inventory, playbook: controllerOnly, args: [...args, ...(count === undefined ? [] : ['--workers', String(count)])] });
      const key = `controller only (${CONTROLLER_ONLY_TASKS} set_fact/assert tasks, no connection)${label}`;
      samples[key] = [];
      for (let i = 0; i < runs; i++) {
        const loadBefore = loadAverage();
        const run = await controller.run('apply');
        const problem = runProblem(run, hosts);
        const connections = Object.values(run.transport ?? {}).reduce((n, t) => n + t.connections, 0);
        const ok = Object.values(run.hosts).reduce((n, h) => n + (h.ok ?? 0), 0);
        if (problem) problems.push(`fleet ${key} ${i + 1}: ${problem}`);
        if (connections > 0) problems.push(`fleet ${key} ${i + 1}: ${connections} connections (none expected)`);
        if (ok !== hosts * CONTROLLER_ONLY_TASKS) problems.push(`fleet ${key} ${i + 1}: ${ok} ok results, ${hosts * CONTROLLER_ONLY_TASKS} expected`);
        samples[key].push({ ...run, loadBefore });
        log(`[fleet N=${hosts}] ${key} ${i + 1}/${runs}: ${run.wallS.toFixed(1)} s, CPU ${run.cpuS?.toFixed(2)} s, RSS ${run.rssMB?.toFixed(0)} MB, load ${loadBefore.toFixed(1)}`);
      }
    }
    return { hosts, sshds, endpoints, endpointCount, runs, converge, samples, problems };
  } finally {
    await sandbox.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

export const CONTROLLER_ONLY_TASKS = 200;

/** A play of `tasks` tasks that run on the controller alone: set_fact with templates, assert with conditions. */
export function controllerOnlyPlay(tasks: number): Record<string, unknown> {
  const body = Array.from({ length: tasks / 2 }, (_, i) => [
    { name: `Fact ${i + 1}`, set_fact: { [`fact_${i + 1}`]: `{{ bench_env }}-{{ fleet_sshd }}-{{ bench_port + ${i + 1} }}-{{ bench_peers | join(',') }}` } },
    { name: `Check ${i + 1}`, assert: { that: [`fact_${i + 1} is defined`, `fact_${i + 1}.startswith(bench_env)`], quiet: true } },
  ]).flat();
  return { name: 'Controller only', hosts: 'all', gather_facts: false, vars: { bench_env: 'production', bench_port: 8080, bench_peers: ['alpha', 'beta', 'gamma'] }, tasks: body };
}

export function renderFleet(r: FleetResult): string[] {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const med = (xs: Array<number | undefined>) => {
    const ys = xs.filter((x): x is number => x !== undefined);
    return ys.length ? median(ys) : undefined;
  };
  const f = (x: number | undefined, d = 2) => (x === undefined ? '–' : x.toFixed(d));
  const rows = Object.entries(r.samples).map(([scenario, ss]) => {
    const cpu = med(ss.map((s) => s.cpuS));
    const transport = (s: FleetSample) => Object.values(s.transport ?? {});
    const conns = med(ss.map((s) => mean(transport(s).map((t) => t.connections))));
    const reused = med(ss.map((s) => mean(transport(s).map((t) => t.reused ?? 0))));
    const trips = med(ss.map((s) => mean(transport(s).map((t) => t.roundTrips))));
    const walls = ss.map((s) => s.wallS);
    return `| ${scenario} (×${ss.length}) | ${f(med(walls))} (${f(Math.min(...walls))}–${f(Math.max(...walls))}) | ${f(cpu)} | ${f(cpu === undefined ? undefined : (cpu / r.hosts) * 1000, 2)} | ${f(med(ss.map((s) => s.rssMB)), 0)} | ${f(conns)}${reused ? ` (+${f(reused)} kept)` : ''} / ${f(trips)} |`;
  });
  const loads = Object.values(r.samples).flat().map((s) => s.loadBefore);
  return [
    `## Fleet: ${r.hosts} inventory hosts on ${r.sshds} sandbox sshd's, ${r.endpointCount} distinct (address, port) (runbook only; the controller is measured)`,
    '',
    `${r.endpoints === 'distinct' ? `Every inventory host has its own address and port (each sshd listens on up to ${PORTS_PER_SSHD}), so --persist keeps ${r.endpointCount} connections, as for that many machines` : `The inventory hosts of one sshd share its address and port (--fleet-endpoints shared), so --persist keeps one connection per sshd (${r.endpointCount}) and a run shares it among them`}. Each inventory host has its own connection (fresh) or lease (kept) to one of ${r.sshds} sshd's (MaxStartups 200:30:400, MaxSessions 64), which were converged first (${r.converge.wallS.toFixed(1)} s for the ${r.sshds}); runbook's default --forks (100), --connect-timeout 300, --fact-timeout 600. Controller CPU is user+sys of the runbook process (GNU time), plus, with --persist, the connection keeper's since the previous run ended (/proc; its idle keepalives included); the sshd's work is not in it.`,
    '',
    '| scenario | wall s: median (min–max) | controller CPU s | controller CPU ms per host | peak RSS MB | connections / round trips per host |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `- 1-minute load average at the start of measured runs: ${f(Math.min(...loads))}–${f(Math.max(...loads))}`,
    r.problems.length ? `- **Problems:**\n${r.problems.map((p) => `  - ${p.replace(/\n/g, ' ')}`).join('\n')}` : '- Problems: none (every host reached over one connection and one round trip, nothing changed)',
    '',
  ];
}
