import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root, from dist/test/e2e/. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const fixtures = join(repoRoot, 'test', 'fixtures');

/**
 * File records (engine/file-records.ts) of every run of this test process, unless a test names its
 * own directory or turns them off: on, as for users, but never in this machine's ~/.runbook.
 */
let recordDir: string | undefined;
function testEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  recordDir ??= mkdtempSync(join(tmpdir(), 'runbook-records-'));
  return { ...process.env, RUNBOOK_RECORD_DIR: recordDir, ...env };
}

export interface Recap {
  [host: string]: { ok: number; changed: number; failed: number; skipped: number; unreachable: boolean; rescued: number; ignored: number; interrupted?: boolean };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Parsed JSON lines, when run with --output json. */
  events: Array<Record<string, any>>;
  recap?: Recap;
}

/** Runs the real `runbook` command, as a user would. */
export function runbook(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; signalAfterMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'runbook.js'), ...args], {
      cwd: options.cwd ?? repoRoot,
      env: testEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (options.signalAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), options.signalAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      // JSON lines only: commands that print indented JSON (runbook inventory) have no events.
      const events = stdout
        .split('\n')
        .filter((l) => l.startsWith('{') && l.endsWith('}'))
        .map((l) => JSON.parse(l));
      const recap = events.find((e) => e.type === 'recap')?.hosts;
      resolve({ code: code ?? (signal ? 137 : -1), stdout, stderr, events, recap });
    });
  });
}

/** The real `runbook` command, started: for tests that signal it from an observed state. */
export function startRunbook(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): { child: ReturnType<typeof spawn>; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'runbook.js'), ...args], { cwd: repoRoot, env: testEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const events = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr, events, recap: events.find((e) => e.type === 'recap')?.hosts });
    });
  });
  return { child, done };
}

/** task name -> status, for one host, from a JSON run. */
export function statuses(run: CliRun, host: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of run.events) if (e.type === 'task_result' && e.host === host) out[e.task] = e.status;
  return out;
}

export function totals(recap: Recap | undefined): { ok: number; changed: number; failed: number; skipped: number } {
  const t = { ok: 0, changed: 0, failed: 0, skipped: 0 };
  for (const r of Object.values(recap ?? {})) for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += r[k];
  return t;
}
