// `npm run bench`: runbook against tuned ansible-core on N sandbox hosts, same
// playbook, same scenarios, one tool at a time. Writes a markdown report.
//
//   --hosts 10,50     host counts (up to 250 sandbox hosts; above 250, e.g. 1000: the fleet scenario,
//                     that many inventory hosts on --fleet-sshds sandbox sshd's, runbook only)
//   --fleet-sshds 25  sshd's behind the fleet scenario's inventory hosts (at least hosts / 16 with distinct endpoints)
//   --fleet-endpoints distinct|shared  every fleet host its own (address, port) (default), or the hosts of
//                     one sshd sharing its one (so --persist keeps one connection per sshd: earlier rounds' fleet)
//   --runs 3          repetitions per scenario (medians); first apply runs once per fresh set
//   --skip-ansible    runbook only
//   --out FILE.md     where the report goes (default bench-results.md in the cwd)
//   --smoke           N=3, runs=1, runbook only; exits non-zero on any problem (for CI)
//   --strategy S      runbook's --strategy (linear, free); default: runbook's own default
//   --workers 1,2     runbook's --workers: the fleet scenario once per count (one count: every scenario)
//   --startup         only start-up: node -e 0, runbook --version, runbook apply to its first connection (medians of
//                     --runs, at least 9, alternated)
//   --cores           only the speed-up with cores: the controller-only play on --hosts (default 1000; several: each) inventory hosts,
//                     one thread on one core, one on two, two threads on two (taskset), alternated --runs times
//   --big-file        only controller memory with big files (copy and copy_from_host of 200 MiB to 1 and 3 hosts, copy of 20 MiB to 100;
//                     a 20 MiB template; 600 MiB of command output); with --hosts N, only the cases with N hosts
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureGnuTime, ensurePackage, machineFacts } from './measure.js';
import { allProblems, renderReport, treeMismatches, type HostCountResult } from './report.js';
import { benchTool } from './scenarios.js';
import { BIG_FILE_CASES, benchBigFile, renderBigFile } from './big-file.js';
import { benchFleet, renderFleet, type FleetEndpoints, type FleetResult } from './fleet.js';
import { benchStartup, renderStartup, startupProblems } from './startup.js';
import { benchCores, renderCores } from './cores.js';

interface BenchOptions { hosts: number[]; runs: number; startupOnly: boolean; coresOnly: boolean; skipAnsible: boolean; out: string; smoke: boolean; bigFile: boolean; fleetSshds: number; fleetEndpoints: FleetEndpoints; hostsGiven: boolean; workers: Array<number | undefined> }

/** Above this many hosts, a host count is the fleet scenario (one sandbox is one /24 block). */
const SANDBOX_MAX = 250;

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      hosts: { type: 'string' },
      runs: { type: 'string', default: '3' },
      'skip-ansible': { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench-results.md' },
      smoke: { type: 'boolean', default: false },
      strategy: { type: 'string' },
      'big-file': { type: 'boolean', default: false },
      startup: { type: 'boolean', default: false },
      cores: { type: 'boolean', default: false },
      'fleet-sshds': { type: 'string', default: '25' },
      'fleet-endpoints': { type: 'string', default: 'distinct' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: npm run bench -- [--hosts 10,50] [--runs 3] [--skip-ansible] [--out FILE.md] [--smoke] [--startup] [--cores] [--big-file] [--strategy linear|free] [--workers 1,2] [--fleet-sshds 25] [--fleet-endpoints distinct|shared]');
    process.exit(0);
  }
  const hosts = (values.hosts ?? '10,50').split(',').map((h) => Number(h.trim()));
  const runs = Number(values.runs);
  if (!hosts.length || hosts.some((h) => !Number.isInteger(h) || h < 1 || h > 10_000)) throw new Error(`--hosts: integers 1..10000, comma separated (got ${values.hosts})`);
  const fleetSshds = Number(values['fleet-sshds']);
  if (!Number.isInteger(fleetSshds) || fleetSshds < 1 || fleetSshds > SANDBOX_MAX) throw new Error(`--fleet-sshds: an integer 1..${SANDBOX_MAX} (got ${values['fleet-sshds']})`);
  const fleetEndpoints = values['fleet-endpoints'] as FleetEndpoints;
  if (!['distinct', 'shared'].includes(fleetEndpoints)) throw new Error(`--fleet-endpoints: distinct or shared (got ${fleetEndpoints})`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a positive integer (got ${values.runs})`);
  // --workers 1,2: the fleet scenario once per thread count; one count is also passed to every other scenario's runbook.
  const workers = values.workers === undefined ? [undefined] : values.workers.split(',').map((w) => Number(w.trim()));
  if (workers.some((w) => w !== undefined && (!Number.isInteger(w) || w < 1))) throw new Error(`--workers: positive integers, comma separated (got ${values.workers})`);
  if (workers.length === 1 && workers[0] !== undefined) process.env.RUNBOOK_WORKERS = String(workers[0]);
  if (values.strategy !== undefined) {
    if (!['linear', 'free'].includes(values.strategy)) throw new Error(`--strategy: linear or free (got ${values.strategy})`);
    // The runbook CLI the bench spawns reads it from here (see RunbookTool).
    process.env.RUNBOOK_BENCH_STRATEGY = values.strategy;
  }
  return values.smoke
    ? { hosts: [3], runs: 1, startupOnly: false, coresOnly: false, skipAnsible: true, out: resolve(values.out), smoke: true, bigFile: false, fleetSshds, fleetEndpoints, hostsGiven: false, workers }
    : { hosts: values.cores && values.hosts === undefined ? [1000] : hosts, runs, startupOnly: values.startup, coresOnly: values.cores, skipAnsible: values['skip-ansible'], out: resolve(values.out), smoke: false, bigFile: values['big-file'], fleetSshds, fleetEndpoints, hostsGiven: values.hosts !== undefined, workers };
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const started = new Date();
  ensureGnuTime();
  const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  if (opts.bigFile) {
    // --big-file --hosts 3: only the cases with that many hosts.
    const results = await benchBigFile(opts.hostsGiven ? BIG_FILE_CASES.filter(([count]) => opts.hosts.includes(count)) : BIG_FILE_CASES, log);
    const report = renderBigFile(results);
    writeFileSync(opts.out, report);
    console.log(`\n${report}`);
    return results.some((r) => r.code !== 0) ? 1 : 0;
  }
  if (opts.coresOnly) {
    const results = [];
    for (const hosts of opts.hosts) results.push(await benchCores(hosts, opts.runs, log));
    const report = results.map(renderCores).join('\n');
    writeFileSync(opts.out, report);
    console.log(`\n${report}`);
    return results.some((result) => result.problems.length) ? 1 : 0;
  }
  // Start-up first, before any sandbox host competes for the CPU (medians of at least 9 runs but in a smoke run).
  const startup = await benchStartup(opts.smoke ? 1 : Math.max(9, opts.runs), log);
  if (opts.startupOnly) {
    const report = renderStartup(startup);
    writeFileSync(opts.out, report);
    console.log(report);
    return startupProblems(startup).length ? 1 : 0;
  }
  if (!opts.skipAnsible) ensurePackage('ansible-playbook', 'ansible-core');
  const machine = machineFacts(!opts.skipAnsible);
  log(`bench: hosts ${opts.hosts.join(',')}, runs ${opts.runs}, ${opts.skipAnsible ? 'runbook only' : 'runbook then ansible'}`);

  const results: HostCountResult[] = [];
  const fleets: FleetResult[] = [];
  const report = () => [renderReport(machine, results, started), renderStartup(startup), ...fleets.map((f) => renderFleet(f).join('\n'))].join('\n');
  for (const hosts of opts.hosts) {
    if (hosts > SANDBOX_MAX) {
      fleets.push(await benchFleet(hosts, opts.fleetSshds, opts.runs, log, opts.workers, opts.fleetEndpoints));
      writeFileSync(opts.out, report());
      continue;
    }
    // runbook first: its runs are short, so a failure surfaces before Ansible's long ones.
    const runbook = await benchTool('runbook', hosts, opts.runs, log);
    const ansible = opts.skipAnsible ? undefined : await benchTool('ansible', hosts, opts.runs, log);
    results.push({ hosts, runs: opts.runs, runbook, ansible });
    // Written after every host count so a long run interrupted later still leaves results.
    writeFileSync(opts.out, report());
  }
  writeFileSync(opts.out, report());
  console.log(`\n${report()}`);
  log(`bench: report written to ${opts.out}`);
  const problems = [...startupProblems(startup), ...allProblems(results), ...treeMismatches(results), ...fleets.flatMap((f) => f.problems)];
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
    // Exiting runs the sandbox's exit handler, which stops any hosts still up.
    process.exit(2);
  },
);
