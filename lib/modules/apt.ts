import { posix } from 'node:path';
import { shellQuote } from '../util/shell.js';
import { commandFact } from '../facts/command.js';
import {
  aptCacheTimeFact, candidateFact, compareDebianVersions, fnmatch, hasFiles, packageFact, APT_CACHE_STAMPS,
  type AptCacheTime, type PackageCandidate, type PackageState,
} from '../facts/package.js';
import type { ApplyContext, ArgSpec, CheckResult, FactRequest, ModuleContext, ModuleDefinition } from './types.js';

export interface AptArgs {
  name?: string[];
  state: 'present' | 'absent' | 'latest' | 'fixed';
  update_cache?: boolean;
  cache_valid_time: number;
  deb?: string;
  purge: boolean;
  autoremove: boolean;
  install_recommends?: boolean;
  default_release?: string;
  dpkg_options: string;
  only_upgrade: boolean;
  allow_downgrade: boolean;
  allow_unauthenticated: boolean;
  allow_change_held_packages: boolean;
  force_apt_get: boolean;
  lock_timeout: number;
}

/** apt's arguments; `package` takes the same (Ansible passes them through to the backend). */
export const aptArgs: Record<string, ArgSpec> = {
  name: { type: 'list', elements: 'str', aliases: ['package', 'pkg'], description: 'packages, `name=version` (fnmatch pattern) or `name>=version`' },
  state: { type: 'str', default: 'present', choices: ['present', 'absent', 'latest', 'fixed'] },
  update_cache: { type: 'bool', aliases: ['update-cache'], description: 'apt-get update first (unless cache_valid_time says the lists are fresh)' },
  cache_valid_time: { type: 'int', default: 0, description: 'seconds the package lists count as fresh' },
  deb: { type: 'path', absolute: true, description: 'a .deb file on the host, installed with its dependencies' },
  purge: { type: 'bool', default: false },
  autoremove: { type: 'bool', default: false },
  install_recommends: { type: 'bool', aliases: ['install-recommends'] },
  default_release: { type: 'str', aliases: ['default-release'] },
  dpkg_options: { type: 'str', default: 'force-confdef,force-confold' },
  only_upgrade: { type: 'bool', default: false },
  allow_downgrade: { type: 'bool', default: false, aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'] },
  allow_unauthenticated: { type: 'bool', default: false, aliases: ['allow-unauthenticated'] },
  allow_change_held_packages: { type: 'bool', default: false },
  force_apt_get: { type: 'bool', default: false, description: 'accepted: runbook always uses apt-get' },
  lock_timeout: { type: 'int', default: 60, description: "seconds to wait for dpkg's lock" },
};

/** A package spec split as Ansible's package_split: `name`, `name=version`, `name>=version`. */
export interface PackageSpec {
  spec: string;
  name: string;
  compare?: '=' | '>=';
  version?: string;
}

export function splitSpec(spec: string): PackageSpec {
  const match = /^(.*?)(>?=)(.*)$/s.exec(spec);
  if (!match) return { spec, name: spec };
  return { spec, name: match[1], compare: match[2] as '=' | '>=', version: match[3] };
}

/** The packages of a task as specs; what Ansible refuses up front, refused the same way. */
export function packageSpecs(names: string[] | undefined): PackageSpec[] {
  return (names ?? [])
    .map((name) => name.trim())
    .filter((name) => name !== '*' && name !== '')
    .map((name) => {
      if ((name.match(/=/g) ?? []).length > 1) throw new Error(`invalid package spec: ${name}`);
      const spec = splitSpec(name);
      if (/[*?[\]!]/.test(spec.name)) throw new Error(`package name patterns (${spec.name}) are not supported: name the packages`);
      return spec;
    });
}

/** What a task does, decided from facts: the apt-get calls and what they bring about. */
export interface AptPlan {
  update: boolean;
  /** apt-get install arguments ('name', 'name=version'); empty: nothing to install. */
  install: string[];
  /** apt-get remove arguments. */
  remove: string[];
  /** The whole of `apt-get autoremove` (no packages named, autoremove: true) would remove these. */
  autoremove: string[];
  deb?: { path: string; name: string; version: string };
  /** Packages of state `latest`: after an update apt may offer newer versions, so they go to apt-get again. */
  latestAfterUpdate: string[];
  /** Package facts once done (predicted for later tasks and a dry-run). */
  after: Array<{ name: string; state: PackageState }>;
}

export interface AptFacts {
  packages: Map<string, PackageState>;
  candidates: Map<string, PackageCandidate>;
  cache?: AptCacheTime;
  /** dpkg-deb's Package/Version/Architecture of `deb`. */
  deb?: { name: string; version: string; architecture: string };
  /** Package names `apt-get -s autoremove` would remove. */
  autoremovable?: string[];
  /** The installed state of the deb's package. */
  debInstalled?: PackageState;
}

/** Whether Ansible would run apt-get update: update_cache or cache_valid_time, and the lists older than cache_valid_time. */
export function wantsUpdate(args: Pick<AptArgs, 'update_cache' | 'cache_valid_time'>, cache: AptCacheTime | undefined): boolean {
  if (!args.update_cache && !args.cache_valid_time) return false;
  if (!cache) throw new Error('the apt cache time is needed to decide update_cache');
  return !(cache.updated + args.cache_valid_time >= cache.now);
}

/**
 * Ansible's install() and remove() decisions (modules/apt.py, package_status), from dpkg's and apt's
 * answers instead of python-apt: which specs go to apt-get, and with which version.
 */
export function planApt(args: AptArgs, facts: AptFacts): AptPlan {
  const specs = packageSpecs(args.name);
  const plan: AptPlan = { update: wantsUpdate(args, facts.cache), install: [], remove: [], autoremove: [], latestAfterUpdate: [], after: [] };
  if (args.deb !== undefined) {
    if (args.state !== 'present') throw new Error('deb only supports state=present');
    const deb = facts.deb!;
    const installed = facts.debInstalled!;
    if (!(installed.installed && installed.version !== undefined && compareDebianVersions(installed.version, deb.version) === 0)) {
      plan.deb = { path: args.deb, name: deb.name, version: deb.version };
      plan.after.push({ name: deb.name, state: { name: deb.name, installed: true, status: 'ii ', version: deb.version, architecture: deb.architecture } });
    }
  }
  if (args.state === 'absent') {
    for (const spec of specs) {
      const state = facts.packages.get(spec.name)!;
      if (versionIsInstalled(spec, state) || (args.purge && hasFiles(state))) {
        plan.remove.push(spec.spec);
        plan.after.push({ name: spec.name, state: { name: spec.name, installed: false, status: args.purge ? '' : 'rc ' } });
      }
    }
  } else {
    for (const spec of specs) {
      const state = facts.packages.get(spec.name)!;
      if (!state.installed && args.only_upgrade) continue;
      const versionInstalled = versionIsInstalled(spec, state);
      const needsCandidate = !state.installed || args.state === 'latest' || spec.compare !== undefined;
      const installable = needsCandidate ? versionInstallable(spec, state, facts.candidates.get(spec.name)!) : undefined;
      if (!versionInstalled && installable === undefined) throw new Error(`no available installation candidate for ${spec.spec}`);
      if (installable !== undefined && ((!state.installed && !args.only_upgrade) || args.state === 'latest' || !versionInstalled)) {
        plan.install.push(installable === true ? (spec.version !== undefined ? `${spec.name}=${spec.version}` : spec.name) : `${spec.name}=${installable}`);
        plan.after.push({ name: spec.name, state: { name: spec.name, installed: true, status: 'ii ', version: installable === true ? undefined : installable, architecture: state.architecture } });
      } else if (versionInstalled && installable !== undefined && spec.compare === '=') {
        plan.install.push(`${spec.name}=${spec.version}`);
      }
      if (args.state === 'latest') plan.latestAfterUpdate.push(spec.name);
    }
  }
  // update_cache without packages stops after the update in Ansible: its autoremove never runs.
  if (specs.length === 0 && args.autoremove && args.deb === undefined && !args.update_cache && !args.cache_valid_time) plan.autoremove = facts.autoremovable ?? [];
  return plan;
}

/** Ansible's installed_version: the installed package matches the spec's version condition. */
function versionIsInstalled(spec: PackageSpec, state: PackageState): boolean {
  if (!state.installed) return false;
  if (spec.compare === '=') return fnmatch(state.version ?? '', spec.version!);
  if (spec.compare === '>=') return compareDebianVersions(state.version ?? '', spec.version!) >= 0;
  return true;
}

/**
 * Ansible's version_installable: the version apt would install for the spec when it differs from
 * the installed one (package_best_match: a `=` pin picks the best version matching the pattern);
 * `true` for a name apt knows only as virtual (apt-get picks the provider); undefined for none.
 */
function versionInstallable(spec: PackageSpec, state: PackageState, candidate: PackageCandidate): string | true | undefined {
  if (!candidate.known) {
    if (state.installed) return undefined;
    throw new Error(`No package matching '${spec.name}' is available`);
  }
  if (candidate.versions.length === 0 && candidate.candidate === undefined) return state.installed ? undefined : true;
  const best = spec.compare === '=' ? candidate.versions.find((v) => fnmatch(v, spec.version!)) : candidate.candidate;
  if (best === undefined) return undefined;
  if (!state.installed) return spec.compare === '>=' && compareDebianVersions(best, spec.version!) < 0 ? undefined : best;
  if (best === state.version) return undefined;
  if (spec.compare === '=' && !fnmatch(best, spec.version!)) return undefined;
  if (spec.compare === '>=' && compareDebianVersions(best, spec.version!) < 0) return undefined;
  return best;
}

/** `-o Dpkg::Options::=--force-confdef ...` from Ansible's comma list. */
function dpkgOptions(options: string): string[] {
  return options.split(',').filter(Boolean).flatMap((option) => ['-o', `Dpkg::Options::=--${option.trim()}`]);
}

const APT_ENV = 'DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C';

/** One apt-get call of a plan. */
export interface AptCommand {
  kind: 'deb' | 'install' | 'remove' | 'autoremove';
  line: string;
}

/** The apt-get command lines of a plan, as Ansible builds them (install(), install_deb(), remove(), cleanup()). */
export function aptCommands(args: AptArgs, plan: AptPlan, options: { afterUpdate: boolean } = { afterUpdate: plan.update }): AptCommand[] {
  const lock = ['-o', `DPkg::Lock::Timeout=${args.lock_timeout}`];
  const dpkg = dpkgOptions(args.dpkg_options);
  const commands: AptCommand[] = [];
  const line = (words: string[]) => `${APT_ENV} ${words.map(shellQuote).join(' ')}`;
  // After an update, `latest` packages go to apt-get again: apt upgrades whatever the new lists offer.
  const named = new Set(plan.install.map((spec) => splitSpec(spec).name));
  const install = options.afterUpdate ? [...plan.install, ...plan.latestAfterUpdate.filter((name) => !named.has(name))] : plan.install;
  const installFlags = [
    ...(args.default_release ? ['-t', args.default_release] : []),
    ...(args.install_recommends === false ? ['-o', 'APT::Install-Recommends=no'] : args.install_recommends === true ? ['-o', 'APT::Install-Recommends=yes'] : []),
    ...(args.allow_unauthenticated ? ['--allow-unauthenticated'] : []),
    ...(args.allow_downgrade ? ['--allow-downgrades'] : []),
    ...(args.allow_change_held_packages ? ['--allow-change-held-packages'] : []),
  ];
  // apt-get installs a local .deb with its dependencies (Ansible: the missing ones first, then dpkg -i).
  if (plan.deb) commands.push({ kind: 'deb', line: line(['apt-get', '-y', ...lock, ...dpkg, ...installFlags, 'install', posix.normalize(plan.deb.path)]) });
  if (install.length > 0) {
    const flags = [...(args.only_upgrade ? ['--only-upgrade'] : []), ...(args.state === 'fixed' ? ['--fix-broken'] : []), ...(args.autoremove ? ['--auto-remove'] : [])];
    commands.push({ kind: 'install', line: line(['apt-get', '-y', ...lock, ...dpkg, ...flags, 'install', ...installFlags, ...install]) });
  }
  if (plan.remove.length > 0) {
    commands.push({ kind: 'remove', line: line(['apt-get', '-q', '-y', ...lock, ...dpkg, ...(args.purge ? ['--purge'] : []), ...(args.autoremove ? ['--auto-remove'] : []), 'remove', ...plan.remove]) });
  }
  if (plan.autoremove.length > 0) commands.push({ kind: 'autoremove', line: line(['apt-get', '-y', ...lock, ...dpkg, ...(args.purge ? ['--purge'] : []), 'autoremove']) });
  return commands;
}

/** The facts a task's decision needs that the play's first probe can answer. */
export function aptPrefetch(args: AptArgs): FactRequest[] {
  const requests: FactRequest[] = [];
  let specs: PackageSpec[] = [];
  try {
    specs = packageSpecs(args.name);
  } catch {
    // check() reports it
  }
  for (const spec of specs) requests.push(packageFact(spec.name));
  // Candidates cost apt's cache build: asked up front only where every run needs them.
  if (args.state === 'latest') for (const spec of specs) requests.push(candidateFact(spec.name, args.default_release));
  if (args.update_cache || args.cache_valid_time) requests.push(aptCacheTimeFact());
  if (args.deb !== undefined) requests.push(debFieldsFact(args.deb));
  if (wantsAutoremove(args, specs)) requests.push(autoremoveFact());
  return requests;
}

function wantsAutoremove(args: AptArgs, specs: PackageSpec[]): boolean {
  return args.autoremove && specs.length === 0 && args.deb === undefined && !args.update_cache && !args.cache_valid_time;
}

function debFieldsFact(path: string) {
  return commandFact(['dpkg-deb', '--showformat=${Package}\\t${Version}\\t${Architecture}\\n', '--show', path]);
}

/** `apt-get -s autoremove`: what an autoremove would remove, simulated (read-only, no lock). */
function autoremoveFact() {
  return commandFact(['env', 'LC_ALL=C', 'apt-get', '-s', '-o', 'Debug::NoLocking=1', 'autoremove']);
}

async function gatherFacts(args: AptArgs, ctx: ModuleContext): Promise<AptFacts> {
  const specs = packageSpecs(args.name);
  ctx.facts.want(aptPrefetch(args));
  const packages = new Map<string, PackageState>();
  for (const spec of specs) packages.set(spec.name, await ctx.facts.get(packageFact(spec.name)));
  const cache = args.update_cache || args.cache_valid_time ? await ctx.facts.get(aptCacheTimeFact()) : undefined;
  const facts: AptFacts = { packages, candidates: new Map(), cache };
  if (args.state !== 'absent') {
    // Only what a decision needs: a package to install, latest, a version condition.
    const wanted = specs.filter((spec) => !packages.get(spec.name)!.installed || args.state === 'latest' || spec.compare !== undefined);
    ctx.facts.want(wanted.map((spec) => candidateFact(spec.name, args.default_release)));
    for (const spec of wanted) facts.candidates.set(spec.name, await ctx.facts.get(candidateFact(spec.name, args.default_release)));
  }
  if (args.deb !== undefined) {
    const answer = await ctx.facts.get(debFieldsFact(args.deb));
    const fields = answer.stdout.toString('utf8').replace(/\n$/, '').split('\t');
    if (answer.code !== 0 || fields.length !== 3) throw new Error(`cannot read ${args.deb} as a Debian package: ${answer.stderr.toString('utf8').trim() || answer.stdout.toString('utf8').trim()}`);
    facts.deb = { name: fields[0], version: fields[1], architecture: fields[2] };
    facts.debInstalled = await ctx.facts.get(packageFact(fields[0]));
  }
  if (wantsAutoremove(args, specs)) {
    const answer = await ctx.facts.get(autoremoveFact());
    if (answer.code !== 0) throw new Error(`apt-get -s autoremove failed: ${answer.stderr.toString('utf8').trim()}`);
    facts.autoremovable = [...answer.stdout.toString('utf8').matchAll(/^Remv (\S+)/gm)].map((m) => m[1]);
  }
  return facts;
}

export async function checkApt(args: AptArgs, ctx: ModuleContext): Promise<CheckResult<AptPlan>> {
  const facts = await gatherFacts(args, ctx);
  const plan = planApt(args, facts);
  const changes = [
    ...(plan.deb ? [`install ${plan.deb.path} (${plan.deb.name} ${plan.deb.version})`] : []),
    ...(plan.install.length > 0 ? [`install ${plan.install.join(', ')}`] : []),
    ...(plan.remove.length > 0 ? [`${args.purge ? 'purge' : 'remove'} ${plan.remove.join(', ')}`] : []),
    ...(plan.autoremove.length > 0 ? [`autoremove ${plan.autoremove.join(', ')}`] : []),
  ];
  const packagesChange = changes.length > 0;
  return {
    // As Ansible: with packages, an update alone is no change; a task that only updates changes when the lists
    // do (a dry-run says it would). A real run reaches apply for the update either way, and apply says.
    changed: packagesChange || (plan.update && (updateOnly(args) || !ctx.dryRun)),
    message: [...(plan.update ? ['apt-get update'] : []), ...changes].join('; ') || undefined,
    facts: plan.after.map(({ name, state }) => ({ request: packageFact(name), value: state })),
    // Maintainer scripts write where they like (/etc, /var): nothing cached about the host stays certain.
    invalidatesFacts: packagesChange || plan.update,
    result: { cache_updated: plan.update, cache_update_time: facts.cache?.updated ?? 0 },
    data: plan,
  };
}

/** update_cache (or cache_valid_time) without packages: Ansible's apt stops after the update. */
function updateOnly(args: AptArgs): boolean {
  return Boolean(args.update_cache || args.cache_valid_time) && packageSpecs(args.name).length === 0 && args.deb === undefined;
}

export async function applyApt(args: AptArgs, check: CheckResult<AptPlan>, ctx: ApplyContext) {
  const plan = check.data!;
  let stdout = '';
  let stderr = '';
  const run = async (command: string, what: string) => {
    const result = await ctx.transport.exec(command, ctx.privilege);
    stdout += result.stdout.toString('utf8');
    stderr += result.stderr.toString('utf8');
    if (result.code !== 0) {
      const said = result.stderr.toString('utf8').trim() || result.stdout.toString('utf8').trim().split('\n').slice(-3).join(' / ');
      throw new Error(`'${what}' failed: ${said}`);
    }
    return result.stdout.toString('utf8');
  };
  let cacheUpdated = false;
  let cacheUpdateTime = Number(check.result?.cache_update_time ?? 0);
  if (plan.update) {
    // As Ansible: the update counts as a change when it changed the lists' time stamp.
    const after = await run(`${APT_ENV} apt-get -q update >&2 && ${cacheTimeCommand()}`, 'apt-get update');
    cacheUpdated = Number(after.trim()) !== cacheUpdateTime;
    cacheUpdateTime = Number(after.trim());
    if (updateOnly(args)) return { changed: cacheUpdated, result: { cache_updated: cacheUpdated, cache_update_time: cacheUpdateTime } };
  }
  let changed = false;
  for (const command of aptCommands(args, plan, { afterUpdate: plan.update })) {
    const out = await run(command.line, `apt-get ${command.kind}`);
    if (command.kind === 'autoremove') changed ||= out.includes('The following packages will be REMOVED');
    // Named packages: a change whenever apt-get had something to do (Ansible decides before calling it);
    // `latest` packages added after an update: apt-get says whether it upgraded them.
    else if (command.kind === 'install' && plan.install.length === 0) changed ||= !out.includes('\n0 upgraded, 0 newly installed');
    else changed = true;
  }
  return { changed, result: { cache_updated: cacheUpdated, cache_update_time: cacheUpdateTime, stdout, stderr } };
}

function cacheTimeCommand(): string {
  const [stamp, lists] = APT_CACHE_STAMPS;
  return `if [ -e ${stamp} ]; then stat -c %Y -- ${stamp}; else stat -c %Y -- ${lists}; fi`;
}

export const apt: ModuleDefinition<AptArgs, AptPlan> = {
  name: 'apt',
  description: "Debian packages present, absent or latest, through apt-get (one call for a list); update_cache with cache_valid_time; a .deb on the host.",
  example: `- name: Tools present, package lists at most an hour old
  apt:
    name: [curl, "hello=2.10-*"]
    state: present
    update_cache: true
    cache_valid_time: 3600
    install_recommends: false
`,
  args: aptArgs,
  mutuallyExclusive: [['deb', 'name']],
  requiredOneOf: [['autoremove', 'deb', 'name', 'update_cache']],
  prefetch: (args) => aptPrefetch(args),
  check: checkApt,
  apply: applyApt,
};
