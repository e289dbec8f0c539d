// The differential compatibility suite's harness: the same fixture playbooks applied
// by ansible-playbook (Debian's ansible-core, the oracle) and by runbook, each on its
// own fresh sandbox hosts with the same names, then compared: exit code, recap
// counts per host, and the end state of every path under the fixtures' roots.
// Fixtures that share a batch run in one invocation of each tool on one set of
// hosts, since an Ansible run costs seconds of start-up.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { Sandbox } from '../sandbox/hosts.js';
import { standinSetup } from '../standins/index.js';
import { snapshotAll, snapshotController, type Entry, type Snapshot } from '../sandbox/tree-snapshot.js';
import { startFixtureServer } from './http-server.js';

/**
 * Plays on localhost (or `connection: local`) write on the controller, where both tools run:
 * each tool gets its own folder as the extra variable `compat_controller_root`, and the
 * fixture's controller_roots (relative to it) are compared as the pseudo-host CONTROLLER.
 */
export const CONTROLLER = '@controller';

/** The checkout's root, from dist/test/compat/. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const fixturesDir = join(repoRoot, 'test', 'compat', 'fixtures');

/** fixture.yaml, as written. */
interface FixtureFile {
  description?: string;
  hosts?: string[];
  groups?: Record<string, string[]>;
  vars?: Record<string, unknown>;
  inventory?: string;
  playbooks?: string[];
  args?: string[];
  roots?: string[];
  controller_roots?: string[];
  content_differs?: string[];
  exit?: number;
  idempotent?: boolean;
  batch?: string;
  packages?: boolean;
  http?: string;
  /** The hosts get test/standins/ (systemctl, kubectl) installed, as in the flagship tests. */
  standins?: boolean;
}

export interface Fixture {
  name: string;
  dir: string;
  description: string;
  hosts: string[];
  groups: Record<string, string[]>;
  vars: Record<string, unknown>;
  /** The fixture's own inventory (file or directory, relative to its folder), with @@host@@ placeholders. */
  inventory?: string;
  playbooks: string[];
  args: string[];
  roots: string[];
  /** Folders under each tool's own compat_controller_root on the controller, compared too. */
  controllerRoots: string[];
  /** Paths whose bytes legitimately differ between the tools (timestamps): type, mode, owner and group still compared. */
  contentDiffers: string[];
  /** ansible-playbook's exit code; runbook's is mapped (4 unreachable → 3). */
  exit: number;
  idempotent: boolean;
  batch: string;
  /** Hosts with their own /usr (Sandbox option `packages`): apt may install Debian packages. */
  packages: boolean;
  /** A folder of the fixture served by a local HTTP server for the batch; its URL is the extra var `compat_http`. */
  http?: string;
  standins: boolean;
}

export function loadFixtures(only = process.env.COMPAT_ONLY): Fixture[] {
  const wanted = only ? new Set(only.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
  const names = readdirSync(fixturesDir).filter((n) => statSync(join(fixturesDir, n)).isDirectory()).sort();
  const fixtures = names.filter((n) => !wanted || wanted.has(n)).map((name) => {
    const dir = join(fixturesDir, name);
    const spec = (load(readFileSync(join(dir, 'fixture.yaml'), 'utf8')) ?? {}) as FixtureFile;
    const exit = spec.exit ?? 0;
    return {
      name,
      dir,
      description: spec.description ?? name,
      hosts: spec.hosts ?? ['node1', 'node2'],
      groups: spec.groups ?? {},
      vars: spec.vars ?? {},
      inventory: spec.inventory,
      playbooks: spec.playbooks ?? ['site.yml'],
      args: spec.args ?? [],
      roots: spec.roots ?? [`/srv/compat/${name}`],
      controllerRoots: spec.controller_roots ?? [],
      contentDiffers: spec.content_differs ?? [],
      exit,
      idempotent: spec.idempotent ?? true,
      packages: spec.packages ?? false,
      http: spec.http,
      standins: spec.standins ?? false,
      // Fixtures with an inventory, arguments or failures of their own would disturb others in one run;
      // one that is not idempotent would cost the others their second-run check.
      // Package fixtures share one batch (each tool then runs apt-get update once), http fixtures one server.
      batch: spec.batch ?? (spec.packages ? 'packages' : spec.http ? 'http' : spec.inventory || spec.args?.length || exit !== 0 || spec.groups || spec.vars || spec.hosts || spec.idempotent === false || spec.standins ? name : 'shared'),
    };
  });
  if (wanted) {
    const missing = [...wanted].filter((w) => !names.includes(w));
    if (missing.length) throw new Error(`COMPAT_ONLY names unknown fixtures: ${missing.join(', ')}`);
  }
  return fixtures;
}

/** Fixtures grouped by batch; a batch's fixtures must agree on hosts, inventory and arguments. */
export function batches(fixtures: Fixture[]): Array<{ name: string; fixtures: Fixture[] }> {
  const out = new Map<string, Fixture[]>();
  for (const f of fixtures) out.set(f.batch, [...(out.get(f.batch) ?? []), f]);
  return [...out].map(([name, list]) => {
    const key = (f: Fixture) => JSON.stringify([f.hosts, f.groups, f.vars, f.inventory ? f.name : '', f.args, f.exit, f.packages, f.standins]);
    const odd = list.find((f) => key(f) !== key(list[0]));
    if (odd) throw new Error(`fixture ${odd.name} is in batch ${name} but differs from ${list[0].name} in hosts, groups, vars, inventory, args or exit`);
    return { name, fixtures: list };
  });
}

export interface Recap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface ToolOutcome {
  code: number;
  stdout: string;
  stderr: string;
  recap: Record<string, Recap>;
}

export interface BatchOutcome {
  ansible: ToolOutcome;
  runbook: ToolOutcome;
  /** runbook applied a second time. */
  rerun: ToolOutcome;
  ansibleState: Snapshot;
  runbookState: Snapshot;
}

/** Runs one batch: both tools in parallel on their own hosts, then runbook once more. */
export async function runBatch(fixtures: Fixture[]): Promise<BatchOutcome> {
  const first = fixtures[0];
  const extras = first.standins ? standinSetup() : {};
  const [ansibleHosts, runbookHosts] = await Promise.all([
    Sandbox.start({ count: first.hosts.length, names: first.hosts, packages: first.packages, ...extras }),
    Sandbox.start({ count: first.hosts.length, names: first.hosts, packages: first.packages, ...extras }),
  ]);
  // One server for the batch and both tools, serving the first http fixture's folder under /files/.
  const served = fixtures.find((f) => f.http);
  let server: Awaited<ReturnType<typeof startFixtureServer>> | undefined;
  try {
    server = served ? await startFixtureServer(join(served.dir, served.http!)) : undefined;
    const args = server ? [...first.args, '-e', `compat_http=${server.url}`] : first.args;
    const playbooks = fixtures.flatMap((f) => f.playbooks.map((p) => join(f.dir, p)));
    const ansibleInventory = writeInventory(ansibleHosts, first, 'ansible');
    const runbookInventory = writeInventory(runbookHosts, first, 'runbook');
    // Each tool's own folder on the controller (inside its sandbox's, so the two runs never meet).
    const controllerRoot = (sandbox: Sandbox) => join(sandbox.dir, 'controller');
    const withRoot = (sandbox: Sandbox) => [...args, '-e', `compat_controller_root=${controllerRoot(sandbox)}`];
    const [ansible, runbook] = await Promise.all([
      runAnsible(ansibleHosts, ansibleInventory, playbooks, withRoot(ansibleHosts)),
      runRunbook(runbookHosts, runbookInventory, playbooks, withRoot(runbookHosts)),
    ]);
    const roots = [...new Set(fixtures.flatMap((f) => f.roots))];
    const [ansibleState, runbookState] = await Promise.all([snapshotAll(ansibleHosts, roots), snapshotAll(runbookHosts, roots)]);
    const controllerRoots = [...new Set(fixtures.flatMap((f) => f.controllerRoots))];
    if (controllerRoots.length > 0) {
      ansibleState[CONTROLLER] = controllerSnapshot(controllerRoot(ansibleHosts), controllerRoots);
      runbookState[CONTROLLER] = controllerSnapshot(controllerRoot(runbookHosts), controllerRoots);
    }
    const rerun = await runRunbook(runbookHosts, runbookInventory, playbooks, withRoot(runbookHosts));
    return { ansible, runbook, rerun, ansibleState, runbookState };
  } finally {
    await server?.close();
    await Promise.all([ansibleHosts.stop(), runbookHosts.stop()]);
  }
}

/** A tool's controller folder, its paths made relative to it (`@controller/<root>/...`) so the two tools' compare. */
function controllerSnapshot(base: string, roots: string[]): Map<string, Entry> {
  const entries = snapshotController(roots.map((r) => join(base, r)));
  return new Map([...entries].map(([path, entry]) => [`${CONTROLLER}/${relative(base, path)}`, entry]));
}

/** The generated YAML inventory, or the fixture's own with each @@host@@ replaced by the host's connection. */
function writeInventory(sandbox: Sandbox, fixture: Fixture, tool: string): string {
  const dir = join(sandbox.dir, `inventory-${tool}`);
  if (!fixture.inventory) {
    const file = join(dir, 'inventory.yaml');
    sandbox.writeInventory(file, { groups: fixture.groups, vars: fixture.vars });
    return file;
  }
  const source = join(fixture.dir, fixture.inventory);
  const target = join(dir, fixture.inventory);
  cpSync(source, target, { recursive: true });
  const connection = (name: string, yaml: boolean) => {
    const h = sandbox.host(name);
    const vars: Array<[string, string | number]> = [
      ['ansible_host', h.address], ['ansible_port', h.port], ['ansible_user', h.user], ['ansible_ssh_private_key_file', sandbox.keyFile],
    ];
    return yaml ? `{${vars.map(([k, v]) => `${k}: ${v}`).join(', ')}}` : vars.map(([k, v]) => `${k}=${v}`).join(' ');
  };
  for (const file of filesUnder(target)) {
    const text = readFileSync(file, 'utf8');
    // @@name@@ → key=value pairs (INI); @@name:yaml@@ → a flow mapping (YAML).
    const replaced = text.replace(/@@([a-z0-9-]+)(:yaml)?@@/gi, (_, name: string, yaml?: string) => connection(name, yaml !== undefined));
    if (replaced !== text) writeFileSync(file, replaced);
  }
  return target;
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((n) => filesUnder(join(path, n)));
}

function runAnsible(sandbox: Sandbox, inventory: string, playbooks: string[], args: string[]): Promise<ToolOutcome> {
  const work = join(sandbox.dir, 'ansible-work');
  mkdirSync(join(work, 'local-tmp'), { recursive: true });
  mkdirSync(join(work, 'cp'), { recursive: true });
  const config = join(work, 'ansible.cfg');
  // Ansible's defaults, except what keeps the controller's ~/.ssh and ~/.ansible untouched
  // and what only costs time (pipelining, persistent connections).
  writeFileSync(config, `[defaults]
forks = 10
host_key_checking = False
interpreter_python = /usr/bin/python3
retry_files_enabled = False
nocolor = True
local_tmp = ${join(work, 'local-tmp')}

[ssh_connection]
pipelining = True
control_path_dir = ${join(work, 'cp')}
ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o PreferredAuthentications=publickey -o UserKnownHostsFile=${sandbox.knownHostsFile}
`);
  return spawnTool('ansible-playbook', ['-i', inventory, ...playbooks, ...args], {
    cwd: work,
    env: { ANSIBLE_CONFIG: config, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_STDOUT_CALLBACK: 'default' },
  }).then((run) => {
    closeControlMasters(join(work, 'cp'));
    return { ...run, recap: parseAnsibleRecap(run.stdout) };
  });
}

function runRunbook(sandbox: Sandbox, inventory: string, playbooks: string[], args: string[]): Promise<ToolOutcome> {
  const cli = [join(repoRoot, 'bin', 'runbook.js'), 'apply', inventory, ...playbooks, ...args, '--known-hosts', sandbox.knownHostsFile, '--output', 'json'];
  // File records on, as for users, in the sandbox's own directory (not this machine's ~/.runbook).
  return spawnTool(process.execPath, cli, { cwd: sandbox.dir, env: { RUNBOOK_RECORD_DIR: join(sandbox.dir, 'runbook-records') } }).then((run) => ({ ...run, recap: parseRunbookRecap(run.stdout) }));
}

/**
 * How long one tool run may take. Past it the tool's whole process group is killed (ansible-playbook
 * forks workers), so a batch that hangs fails with the tools' output and its hosts are stopped,
 * instead of mocha's timeout leaving the run going in the background.
 */
export const TOOL_DEADLINE_MS = 400_000;

function spawnTool(cmd: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<Omit<ToolOutcome, 'recap'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    const deadline = setTimeout(() => {
      stderr += `\n[compat harness: killed after ${TOOL_DEADLINE_MS / 1000} s]`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, TOOL_DEADLINE_MS);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}

/** Ansible's PLAY RECAP lines. */
export function parseAnsibleRecap(stdout: string): Record<string, Recap> {
  const recap: Record<string, Recap> = {};
  const line = /^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$/gm;
  for (const m of stdout.matchAll(line)) {
    const counts = Object.fromEntries([...m[2].matchAll(/(\w+)=(\d+)/g)].map((c) => [c[1], Number(c[2])]));
    recap[m[1]] = {
      ok: counts.ok ?? 0, changed: counts.changed ?? 0, unreachable: counts.unreachable ?? 0, failed: counts.failed ?? 0,
      skipped: counts.skipped ?? 0, rescued: counts.rescued ?? 0, ignored: counts.ignored ?? 0,
    };
  }
  return recap;
}

/** runbook's JSON recap, counted as Ansible counts (ok includes changed tasks and ignored failures). */
export function parseRunbookRecap(stdout: string): Record<string, Recap> {
  const line = stdout.split('\n').filter((l) => l.startsWith('{"type":"recap"')).at(-1);
  if (!line) return {};
  const hosts = (JSON.parse(line) as { hosts: Record<string, Record<string, number | boolean>> }).hosts;
  return Object.fromEntries(Object.entries(hosts).map(([name, h]) => {
    const n = (k: string) => Number(h[k] ?? 0);
    return [name, { ok: n('ok'), changed: n('changed'), unreachable: typeof h.unreachable === 'boolean' ? Number(h.unreachable) : n('unreachable'), failed: n('failed'), skipped: n('skipped'), rescued: n('rescued'), ignored: n('ignored') }];
  }));
}

/** Ansible's exit codes in runbook's terms: runbook exits 3 where ansible-playbook exits 4 (unreachable). */
export function runbookExitFor(ansibleExit: number): number {
  return ansibleExit === 4 ? 3 : ansibleExit;
}

/** Every difference between the tools' end states under one fixture's roots, as readable lines. */
export function stateDifferences(fixture: Fixture, ansible: Snapshot, runbook: Snapshot): string[] {
  const under = underRoots(fixture);
  const differs: string[] = [];
  for (const host of [...fixture.hosts, ...(fixture.controllerRoots.length > 0 ? [CONTROLLER] : [])]) {
    const a = backupsNamedAlike(ansible[host] ?? new Map<string, Entry>());
    const b = backupsNamedAlike(runbook[host] ?? new Map<string, Entry>());
    const paths = [...new Set([...a.keys(), ...b.keys()])].filter(under).sort();
    for (const path of paths) {
      const x = a.get(path);
      const y = b.get(path);
      const bytesMatter = !fixture.contentDiffers.includes(path);
      const same = x && y && x.type === y.type && x.mode === y.mode && x.owner === y.owner && x.group === y.group
        && x.target === y.target && (!bytesMatter || x.sha256 === y.sha256);
      if (!same) differs.push(`${host}:${path}: ansible = ${describe(x)}; runbook = ${describe(y)}`);
    }
  }
  return differs;
}

/**
 * Ansible's backup files (`<path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~`) carry a process id and a time
 * that no two runs share: each file's backups are compared as a set, under the names
 * `<path>.<backup N>~` numbered in the order of their bytes' checksums (then mode, owner, group),
 * so type, mode, owner, group and bytes are still compared, the name's pid and time are not.
 */
export const BACKUP_NAME = /\.\d+\.\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2}~$/;
export function backupsNamedAlike(entries: Map<string, Entry>): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const backups = new Map<string, Entry[]>();
  for (const [path, entry] of entries) {
    if (!BACKUP_NAME.test(path)) out.set(path, entry);
    else {
      const base = path.replace(BACKUP_NAME, '');
      backups.set(base, [...(backups.get(base) ?? []), entry]);
    }
  }
  const order = (e: Entry) => `${e.sha256} ${e.type} ${e.mode} ${e.owner} ${e.group}`;
  for (const [base, list] of backups) {
    list.sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : 0)).forEach((entry, i) => out.set(`${base}.<backup ${i + 1}>~`, entry));
  }
  return out;
}

/** The number of paths both tools left under a fixture's roots, to show a comparison is not vacuous. */
export function pathCount(fixture: Fixture, state: Snapshot): number {
  const under = underRoots(fixture);
  return [...fixture.hosts, CONTROLLER].reduce((n, h) => n + [...(state[h]?.keys() ?? [])].filter(under).length, 0);
}

/** Whether a path is one the fixture compares: under its roots on the hosts, or its controller roots. */
function underRoots(fixture: Fixture): (path: string) => boolean {
  const roots = [...fixture.roots, ...fixture.controllerRoots.map((r) => `${CONTROLLER}/${r}`)];
  return (p) => roots.some((r) => p === r || p.startsWith(`${r}/`));
}

function describe(e: Entry | undefined): string {
  if (!e) return 'absent';
  const base = `${e.type} ${e.mode} ${e.owner}:${e.group}`;
  if (e.type === 'l') return `${base} -> ${e.target}`;
  return e.type === 'f' ? `${base} ${JSON.stringify(e.content)}` : base;
}

/** ControlPersist masters outlive ansible-playbook: ask each to exit through its socket. */
function closeControlMasters(dir: string): void {
  if (!existsSync(dir)) return;
  for (const socket of readdirSync(dir)) {
    try {
      execFileSync('ssh', ['-o', `ControlPath=${join(dir, socket)}`, '-O', 'exit', 'compat-host'], { stdio: 'ignore', timeout: 10_000 });
    } catch { /* already gone */ }
  }
}

/** For failure messages: the tail of a tool's output. */
export function tail(run: { stdout: string; stderr: string }, lines = 40): string {
  return `${run.stderr}\n${run.stdout}`.trim().split('\n').slice(-lines).join('\n');
}

export const relativeToRepo = (path: string) => relative(repoRoot, path);
