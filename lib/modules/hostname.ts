import { commandFact, fileContentFact, pathFact, type FactRequest } from '../facts/index.js';
import { shellCommand } from '../util/shell.js';
import { planRegularFile, applyRegularFile, runNow, type FilePlan } from './file-state.js';
import type { ModuleContext, ModuleDefinition } from './types.js';

interface HostnameArgs {
  name: string;
  use?: string;
}

/** Ansible 2.14's `use:` names and the strategy each stands for. */
const STRATEGIES: Record<string, string> = {
  alpine: 'Alpine', debian: 'Systemd', freebsd: 'FreeBSD', generic: 'Base', macos: 'Darwin', macosx: 'Darwin', darwin: 'Darwin',
  openbsd: 'OpenBSD', openrc: 'OpenRC', redhat: 'RedHat', sles: 'SLES', solaris: 'Solaris', systemd: 'Systemd',
};
/** Distributions whose Hostname class uses the file strategy (/etc/hostname only) when systemd does not run. */
const FILE_DISTRIBUTIONS = new Set(['debian', 'kylin', 'cumulus-linux', 'kali', 'parrot', 'ubuntu', 'linuxmint', 'linaro', 'devuan', 'raspbian', 'uos', 'deepin', 'neon', 'void', 'pop']);
/** Ansible's is_systemd_managed: systemctl on PATH and one of these. */
const SYSTEMD_CANARIES = ['/run/systemd/system', '/dev/.run/systemd', '/dev/.systemd'];
const SYSTEMCTL = ['sh', '-c', 'command -v systemctl'];

export type HostnameStrategy = 'file' | 'systemd';

/**
 * Which of Ansible's strategies applies, from facts: `use:` if given (systemd and debian mean
 * hostnamectl; the others are refused), else hostnamectl on a host systemd manages, else the
 * file strategy of the Debian family (/etc/hostname only; the running kernel's name is left as
 * it is, exactly as Ansible 2.14 does there). Anything else is refused with the reason.
 */
export function chooseStrategy(use: string | undefined, systemdManaged: boolean, osRelease: string | undefined): HostnameStrategy {
  if (use !== undefined) {
    if (STRATEGIES[use] === 'Systemd') return 'systemd';
    throw new Error(`hostname: use: ${use} (Ansible's ${STRATEGIES[use]} strategy) is not supported by runbook; supported: systemd, debian (both hostnamectl), or no 'use' on Debian-family and systemd hosts`);
  }
  if (systemdManaged) return 'systemd';
  const id = /^ID=("?)([^"\n]*)\1$/m.exec(osRelease ?? '')?.[2].toLowerCase();
  if (id !== undefined && FILE_DISTRIBUTIONS.has(id)) return 'file';
  throw new Error(`hostname: this host runs no systemd and its distribution (${id ?? 'unknown'}) is not of the Debian family: Ansible's strategy for it is not supported by runbook`);
}

interface HostnamePlan {
  strategy: HostnameStrategy;
  file?: FilePlan;
  setStatic: boolean;
  setTransient: boolean;
  contents?: Map<string, Buffer>;
}

const FACTS: FactRequest[] = [
  ...SYSTEMD_CANARIES.map((p) => pathFact(p)),
  commandFact(SYSTEMCTL),
  fileContentFact('/etc/os-release'),
  pathFact('/etc/hostname'),
  fileContentFact('/etc/hostname'),
];

async function systemdManaged(ctx: ModuleContext): Promise<boolean> {
  if ((await ctx.facts.get(commandFact(SYSTEMCTL))).code !== 0) return false;
  for (const canary of SYSTEMD_CANARIES) if ((await ctx.facts.path(canary)).exists) return true;
  return false;
}

async function hostnamectl(ctx: ModuleContext, which: '--static' | '--transient'): Promise<string> {
  const answer = await ctx.facts.get(commandFact(['hostnamectl', which, 'status']));
  if (answer.code !== 0) throw new Error(`Command failed rc=${answer.code}, out=${answer.stdout.toString()}, err=${answer.stderr.toString()}`);
  return answer.stdout.toString().trim();
}

/**
 * hostname, as ansible.builtin.hostname: the permanent name (and the running one under systemd).
 * Its `ansible_facts` (ansible_hostname, ansible_nodename) become the host's facts.
 */
export const hostname: ModuleDefinition<HostnameArgs, HostnamePlan> = {
  name: 'hostname',
  description: "The host's name: /etc/hostname on Debian-family hosts without systemd (as Ansible), hostnamectl under systemd.",
  example: `- name: Name the host
  hostname:
    name: web01.example.com
`,
  returnsFacts: true,
  args: {
    name: { type: 'str', required: true },
    use: { type: 'str', choices: Object.keys(STRATEGIES) },
  },
  validate: (args) => (typeof args.use === 'string' && !/\{\{/.test(args.use) && STRATEGIES[args.use] !== undefined && STRATEGIES[args.use] !== 'Systemd' ? `hostname: use: ${args.use} is not supported by runbook (only systemd and debian, which mean hostnamectl)` : undefined),
  prefetch: () => FACTS,
  async check(args, ctx) {
    const managed = args.use === undefined ? await systemdManaged(ctx) : false;
    // cat follows the link /etc/os-release usually is.
    const osRelease = await ctx.facts.get(fileContentFact('/etc/os-release'));
    const strategy = chooseStrategy(args.use, managed, osRelease.readable ? osRelease.content?.toString('utf8') : undefined);
    let permanent: string;
    let current: string;
    let file: FilePlan | undefined;
    let setStatic = false;
    let setTransient = false;
    let diff;
    let predicted;
    if (strategy === 'file') {
      const state = await ctx.facts.path('/etc/hostname');
      permanent = state.exists && state.type === 'file' ? ((await ctx.facts.content('/etc/hostname'))?.toString('utf8').trim() ?? '') : '';
      current = permanent; // the file strategy reads the running name from the file too
      if (permanent !== args.name) {
        const plan = await planRegularFile({ path: '/etc/hostname', content: Buffer.from(`${args.name}\n`) }, ctx);
        file = plan.data;
        diff = plan.diff;
        predicted = plan.predicted;
      }
    } else {
      if (args.name.length > 64) throw new Error('name cannot be longer than 64 characters on systemd servers, try a shorter name');
      permanent = await hostnamectl(ctx, '--static');
      current = await hostnamectl(ctx, '--transient');
      setStatic = permanent !== args.name;
      setTransient = current !== args.name;
    }
    const changed = file !== undefined || setStatic || setTransient;
    const before = args.name !== current ? current : permanent;
    return {
      changed,
      message: changed ? `hostname ${before || '(none)'} → ${args.name}` : undefined,
      diff,
      predicted,
      result: {
        name: args.name,
        ansible_facts: { ansible_hostname: args.name.split('.')[0], ansible_nodename: args.name },
        ...(changed ? { diff: { before: `hostname = ${before}\n`, after: `hostname = ${args.name}\n` } } : {}),
      },
      data: { strategy, file, setStatic, setTransient, contents: file?.contents },
    };
  },
  async apply(args, check, ctx) {
    const { file, setStatic, setTransient } = check.data!;
    if (file) applyRegularFile(file, ctx);
    // As Ansible: the permanent name first (NetworkManager complains otherwise), then the running one.
    if (setStatic) await runNow(ctx, shellCommand(['hostnamectl', '--pretty', '--static', 'set-hostname', args.name]));
    if (setTransient) await runNow(ctx, shellCommand(['hostnamectl', '--transient', 'set-hostname', args.name]));
    return { changed: true };
  },
};
