import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.js';

/**
 * Real-content check: playbooks and roles written here in the style of common public content
 * (test/fixtures/real-content/), loaded by `ansible-playbook --list-tasks` and by
 * `runbook apply --list-tasks`. Where both load, the task lists must be the same; where runbook
 * refuses, the refusal must name file:line and be one of the known reasons (a module or module
 * argument runbook does not have yet, or a keyword it refuses by name). The tally is printed for the note.
 */
const corpus = join(repoRoot, 'test', 'fixtures', 'real-content');
const inventory = join(corpus, 'inventory.ini');

/** Modules other engineers are building right now: a refusal naming one is expected for now. */
const BEING_BUILT = ['service', 'user', 'group', 'sysctl', 'hostname', 'cron', 'apt', 'package', 'apt_repository', 'get_url', 'uri', 'unarchive', 'git', 'fetch', 'wait_for_connection'];

interface Run {
  code: number;
  out: string;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: corpus, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** Task names per play from ansible-playbook --list-tasks ("role : name" shown as the name). */
export function ansibleTaskList(out: string): string[][] {
  const plays: string[][] = [];
  for (const line of out.split('\n')) {
    if (/^\s+play #\d+ /.test(line)) plays.push([]);
    else if (/^ {6}\S/.test(line) && line.includes('\tTAGS: ') && plays.length > 0) plays.at(-1)!.push(line.trim().split('\tTAGS: ')[0].replace(/^[\w.-]+ : /, ''));
  }
  return plays;
}

/** Task names per play from runbook apply --list-tasks. */
export function runbookTaskList(out: string): string[][] {
  const plays: string[][] = [];
  for (const line of out.split('\n')) {
    if (/^play #\d+ /.test(line)) plays.push([]);
    else if (/^ {2}\S/.test(line) && plays.length > 0) plays.at(-1)!.push(line.trim().replace(/\t\[[^\]]*\]$/, ''));
  }
  return plays;
}

type Verdict = { kind: 'both load' } | { kind: 'module being built' | 'module not in runbook' | 'argument not in runbook' | 'refused keyword'; detail: string } | { kind: 'ansible refuses' };

/** Why runbook refused: the module it does not have (and whether it is being built), or the keyword. */
export function classifyRefusal(message: string): Verdict | undefined {
  const module = /unknown (?:task|handler) keyword or module '([^']+)'/.exec(message);
  if (module) {
    const short = module[1].replace(/^ansible\.builtin\./, '');
    return { kind: BEING_BUILT.includes(short) ? 'module being built' : 'module not in runbook', detail: module[1] };
  }
  const argument = /unknown argument '([^']+)' for module '([^']+)'/.exec(message);
  if (argument) return { kind: 'argument not in runbook', detail: `${argument[2]} ${argument[1]}` };
  const keyword = /'([a-z_]+)' is (?:not supported|an Ansible keyword runbook does not support)/.exec(message);
  if (keyword) return { kind: 'refused keyword', detail: keyword[1] };
  return undefined;
}

describe('real-content check: our own corpus of public-style playbooks, loaded by ansible-playbook and runbook', function () {
  this.timeout(600_000);
  const playbooks = readdirSync(corpus).filter((f) => /^\d+-.*\.yml$/.test(f)).sort();
  const verdicts = new Map<string, Verdict>();

  // Both tools' loads of every playbook, four playbooks at a time (each ansible-playbook start costs seconds).
  const loads = new Map<string, Promise<[Run, Run]>>();
  const load = (playbook: string): Promise<[Run, Run]> => Promise.all([
    run('ansible-playbook', ['-i', inventory, '--list-tasks', playbook], { ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' }),
    run(process.execPath, [join(repoRoot, 'bin', 'runbook.js'), 'apply', '-i', inventory, playbook, '--list-tasks', '--output', 'plain']),
  ]);
  before(() => {
    const chain: Promise<unknown>[] = [Promise.resolve(), Promise.resolve(), Promise.resolve(), Promise.resolve()];
    playbooks.forEach((playbook, index) => {
      const slot = index % chain.length;
      const started = chain[slot].then(() => load(playbook));
      loads.set(playbook, started);
      chain[slot] = started.catch(() => undefined);
    });
  });

  it('has a corpus of about thirty playbooks', () => {
    assert.ok(playbooks.length >= 30, `only ${playbooks.length} playbooks`);
  });

  for (const playbook of playbooks) {
    it(`${playbook}: same task list where both load; a refusal names file:line and a known reason`, async () => {
      const [ansible, runbook] = await loads.get(playbook)!;
      if (ansible.code !== 0) {
        verdicts.set(playbook, { kind: 'ansible refuses' });
        assert.notEqual(runbook.code, 0, `ansible-playbook refuses ${playbook} but runbook loads it:\n${ansible.out}`);
        return;
      }
      if (runbook.code === 0) {
        verdicts.set(playbook, { kind: 'both load' });
        assert.deepEqual(runbookTaskList(runbook.out), ansibleTaskList(ansible.out), `task lists differ\nansible:\n${ansible.out}\nrunbook:\n${runbook.out}`);
        assert.ok(ansibleTaskList(ansible.out).flat().length > 0, ansible.out);
        return;
      }
      assert.equal(runbook.code, 1, runbook.out);
      assert.match(runbook.out, /\.ya?ml:\d+:\d+: /, `runbook's refusal names no file:line:\n${runbook.out}`);
      const verdict = classifyRefusal(runbook.out);
      assert.ok(verdict, `runbook refuses ${playbook} for a reason that is neither a missing module nor a keyword refused by name:\n${runbook.out}`);
      verdicts.set(playbook, verdict);
    });
  }

  after(() => {
    const tally = new Map<string, string[]>();
    for (const [playbook, verdict] of verdicts) {
      const key = verdict.kind;
      tally.set(key, [...(tally.get(key) ?? []), 'detail' in verdict ? `${playbook} (${verdict.detail})` : playbook]);
    }
    console.log(`\n    real-content tally (${verdicts.size} playbooks):`);
    for (const [kind, list] of tally) console.log(`      ${kind}: ${list.length}  ${list.join(', ')}`);
  });
});
