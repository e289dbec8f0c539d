// Markdown for the results: one section per host count, headline table first,
// then the per-tool detail that explains the headline.
import os from 'node:os';
import { firstDifference, entryCount } from './snapshot.js';
import { median, type Machine } from './measure.js';
import { SCENARIOS, type Sample, type Scenario, type ToolResult } from './scenarios.js';
import { totalChanged } from './tools.js';

export interface HostCountResult {
  hosts: number;
  runs: number;
  runbook: ToolResult;
  ansible?: ToolResult;
}

const s2 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));
const s1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(1));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const med = (samples: Sample[], f: (s: Sample) => number | undefined) => {
  const xs = samples.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
  return xs.length ? median(xs) : undefined;
};

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

function table(head: string[], rows: Array<Array<string | number>>): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

function label(scenario: Scenario, r: HostCountResult): string {
  return scenario === 'first apply' ? 'first apply (1 run)' : `${scenario} (×${r.runs})`;
}

function wallRange(samples: Sample[]): string {
  const xs = samples.map((s) => s.wallS);
  return xs.length > 1 ? `${s2(Math.min(...xs))}–${s2(Math.max(...xs))}` : s2(xs[0]);
}

function headline(r: HostCountResult): string[] {
  return table(
    ['scenario', 'ansible median s', 'runbook median s', 'ratio (ansible ÷ runbook)', 'changed (ansible / runbook)'],
    SCENARIOS.map((sc) => {
      const rb = r.runbook.samples[sc];
      const an = r.ansible?.samples[sc] ?? [];
      const a = med(an, (s) => s.wallS);
      const b = med(rb, (s) => s.wallS);
      const ratio = a !== undefined && b ? `${s1(a / b)}×` : '–';
      return [label(sc, r), s2(a), s2(b), ratio, `${an.length ? med(an, totalChanged) : '–'} / ${med(rb, totalChanged)}`];
    }),
  );
}

function runbookDetail(r: HostCountResult): string[] {
  return table(
    ['scenario', 'wall min–max s', 'peak RSS MB', 'CPU s (user+sys)', 'connections/host (recap / sshd)', 'round trips/host (mean / max)'],
    SCENARIOS.map((sc) => {
      const ss = r.runbook.samples[sc];
      const t = (s: Sample) => Object.values(s.transport ?? {});
      const conns = med(ss, (s) => (t(s).length ? mean(t(s).map((x) => x.connections)) : undefined));
      const rtMean = med(ss, (s) => (t(s).length ? mean(t(s).map((x) => x.roundTrips)) : undefined));
      const rtMax = med(ss, (s) => (t(s).length ? Math.max(...t(s).map((x) => x.roundTrips)) : undefined));
      return [label(sc, r), wallRange(ss), s1(med(ss, (s) => s.rssMB)), s2(med(ss, (s) => s.cpuS)),
        `${s2(conns)} / ${s2(med(ss, (s) => s.sshdConnectionsPerHost))}`, `${s1(rtMean)} / ${rtMax ?? '–'}`];
    }),
  );
}

/** The bare ssh2 floor next to runbook's no-op rerun: what runbook costs beyond the SSH round trip. */
function floorLines(r: HostCountResult): string[] {
  const floor = r.runbook.floor;
  if (!floor?.length) return [];
  const noop = r.runbook.samples['no-op rerun'];
  const fw = median(floor.map((f) => f.wallS));
  const fc = med(floor as Sample[], (f) => f.cpuS);
  const nw = med(noop, (s) => s.wallS);
  const nc = med(noop, (s) => s.cpuS);
  const xs = floor.map((f) => f.wallS);
  // Each no-op with the floor run next to it (same load): the median of those ratios.
  const pairs = noop.slice(0, floor.length).map((s, i) => s.wallS / floor[i].wallS);
  const perHostMs = (xs: Array<number | undefined>) => {
    const known = xs.filter((x): x is number => x !== undefined);
    return known.length ? s1((median(known) / r.hosts) * 1000) : '–';
  };
  return [
    `- Floor (\`test/bench/floor.ts\`: bare ssh2, one connection and one \`true\` per host, all hosts at once, a process of its own, run next to each no-op rerun, first every other time): wall ${s2(fw)} s (${s2(Math.min(...xs))}–${s2(Math.max(...xs))}), CPU ${s2(fc)} s, peak RSS ${s1(med(floor as Sample[], (f) => f.rssMB))} MB`,
    `- **runbook no-op ÷ floor, N=${r.hosts}: wall ${nw && fw ? `${(nw / fw).toFixed(2)}×` : '–'} (median of the ${pairs.length} side-by-side pairs: ${pairs.length ? `${median(pairs).toFixed(2)}×` : '–'}), CPU ${nc && fc ? `${(nc / fc).toFixed(2)}×` : '–'}**`,
    `- The hosts' CPU per host (their sshd's and sessions, from /proc; they share this machine's cores): floor ${perHostMs(floor.map((f) => f.hostsCpuS))} ms, runbook no-op ${perHostMs(noop.map((s) => s.hostsCpuS))} ms`,
    '',
  ];
}

function ansibleDetail(r: HostCountResult): string[] {
  const an = r.ansible!;
  return table(
    ['scenario', 'wall min–max s', 'peak RSS MB (largest process)', 'CPU s (incl. workers)', 'new sshd logins/host'],
    SCENARIOS.map((sc) => {
      const ss = an.samples[sc];
      return [label(sc, r), wallRange(ss), s1(med(ss, (s) => s.rssMB)), s2(med(ss, (s) => s.cpuS)), s2(med(ss, (s) => s.sshdConnectionsPerHost))];
    }),
  );
}

function correctness(r: HostCountResult): string[] {
  const lines: string[] = [];
  if (r.ansible) {
    const first = firstDifference(r.ansible.afterFirstApply, r.runbook.afterFirstApply, 'ansible', 'runbook');
    lines.push(`- Managed trees identical after first apply (${r.hosts} hosts, ${entryCount(r.runbook.afterFirstApply)} entries compared by path, type, mode, owner, group, link target, sha256): **${first ? 'no' : 'yes'}**${first ? ` — first difference: \`${first}\`` : ''}`);
    const last = firstDifference(r.ansible.afterAll, r.runbook.afterAll, 'ansible', 'runbook');
    lines.push(`- Managed trees identical after all drift repairs: **${last ? 'no' : 'yes'}**${last ? ` — first difference: \`${last}\`` : ''}`);
  } else {
    lines.push('- Ansible skipped: no cross-tool tree comparison.');
  }
  lines.push(`- Drifted hosts (3 resources each, re-drifted before every repair run): ${r.runbook.driftHosts.join(', ')}`);
  const loads = [r.runbook, r.ansible].filter((t): t is ToolResult => !!t)
    .flatMap((t) => Object.values(t.samples).flat().map((s) => s.loadBefore));
  lines.push(`- 1-minute load average at the start of measured runs: ${s2(Math.min(...loads))}–${s2(Math.max(...loads))}`);
  // Both tools are CPU-bound on loopback: a busy box stretches every number, Ansible's most.
  if (Math.max(...loads) > os.availableParallelism()) lines.push(`- **Warning:** load exceeded the ${os.availableParallelism()} CPUs during measurement; other work was competing, so times are upper bounds and ratios are approximate.`);
  const problems = [...r.runbook.problems, ...(r.ansible?.problems ?? [])];
  lines.push(problems.length ? `- **Problems:**\n${problems.map((p) => `  - ${p.replace(/\n/g, ' ')}`).join('\n')}` : '- Problems: none (no-op and dry-runs changed nothing, dry-runs left the trees untouched, drift repairs restored them)');
  return lines;
}

export function renderReport(machine: Machine, results: HostCountResult[], started: Date): string {
  const out: string[] = [
    '# runbook vs ansible-core: benchmark results',
    '',
    `Run ${started.toISOString()} with \`npm run bench\`. Workload: \`test/fixtures/bench/playbook.yaml\`, 30 idempotent tasks per host (5 \`file\` directories, 15 \`copy\` with inline content, 5 \`template\` notifying a \`shell\` handler, 5 \`command\` with \`creates\`), the same file for both tools. Times are wall seconds of the whole CLI process (interpreter start-up included); tools run strictly one after the other, each on its own fresh set of sandbox sshd hosts on loopback.`,
    '',
    'Ansible: forks ≥ N, pipelining, ControlMaster auto + ControlPersist 120s, gathering explicit, interpreter /usr/bin/python3 (its reruns reuse the persisted connections, hence ~0 new sshd logins).',
    '',
    '## Machine',
    '',
    ...Object.entries(machine).map(([k, v]) => `- ${k}: ${v}`),
  ];
  for (const r of results) {
    out.push('', `## N = ${r.hosts} hosts × 30 tasks (medians of ${r.runs} run${r.runs === 1 ? '' : 's'}; first apply is one run on fresh hosts)`, '');
    out.push(...headline(r), '', '### runbook detail', '', ...runbookDetail(r), '', ...floorLines(r));
    if (r.ansible) out.push('### ansible detail', '', ...ansibleDetail(r), '');
    out.push('### Correctness', '', ...correctness(r));
  }
  return `${out.join('\n')}\n`;
}

export function allProblems(results: HostCountResult[]): string[] {
  return results.flatMap((r) => [...r.runbook.problems, ...(r.ansible?.problems ?? [])]);
}

/** Cross-tool differences count as problems too: the point is the same end state. */
export function treeMismatches(results: HostCountResult[]): string[] {
  return results.filter((r) => r.ansible).flatMap((r) => {
    const d = firstDifference(r.ansible!.afterFirstApply, r.runbook.afterFirstApply, 'ansible', 'runbook');
    return d ? [`N=${r.hosts}: ${d}`] : [];
  });
}
