import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, stderrLines, type FactKind, type FactRequest } from './kind.js';

/** A Debian package as dpkg knows it. `status[1]` is dpkg's current state ('c': only its config files are left). */
export interface PackageState {
  name: string;
  installed: boolean;
  /** Installed version, when installed. */
  version?: string;
  /** dpkg's status abbreviation ('ii ', 'rc ', 'un '), '' when dpkg has never heard of it. */
  status: string;
  architecture?: string;
}

const NOT_FOUND = /^dpkg-query: no packages found matching (.+)$/;

/**
 * Package state from `dpkg-query -W` over every package of the play at once. Default: not
 * installed, for names dpkg-query says it has no record of. Hosts without dpkg are refused.
 */
export const packageKind: FactKind<string, PackageState> = {
  name: 'package',
  key: (name) => name,
  sections: (names) => [
    {
      tool: 'dpkg-query',
      script: `dpkg-query -W -f='\${binary:Package}\\t\${Package}\\t\${Architecture}\\t\${db:Status-Abbrev}\\t\${Version}\\n' -- ${names.map(shellQuote).join(' ')}`,
    },
  ],
  parse([output], names) {
    const missing = missingTool(output, 'package facts need a Debian-family host (dpkg)');
    if (missing) throw missing;
    const rows = output.stdout
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const fields = line.split('\t');
        if (fields.length !== 5) throw new FactError('dpkg-query', `output does not parse: '${line.slice(0, 120)}'`);
        const [binary, name, architecture, status, version] = fields;
        return { binary, name, architecture, status, version };
      });
    const unknown = new Set<string>();
    for (const line of stderrLines(output)) {
      const match = NOT_FOUND.exec(line);
      if (!match) throw new FactError('dpkg-query', excerpt(output));
      unknown.add(match[1]);
    }
    if (output.code > 1 || (output.code === 1 && unknown.size === 0)) throw new FactError('dpkg-query', excerpt(output));
    return names.map((name) => {
      const mine = rows.filter((row) => row.name === name || row.binary === name);
      if (mine.length === 0) {
        if (!unknown.has(name)) throw new FactError('dpkg-query', `no answer for package ${name}`);
        return { name, installed: false, status: '' };
      }
      // dpkg's current state is the second letter: 'i' installed (whatever is wanted: 'hi' held too).
      const installed = mine.find((row) => row.status[1] === 'i') ?? mine.find((row) => row.status[1] !== 'n') ?? mine[0];
      return {
        name,
        installed: installed.status[1] === 'i',
        status: installed.status,
        version: installed.status[1] === 'n' || installed.version === '' ? undefined : installed.version,
        architecture: installed.architecture || undefined,
      };
    });
  },
};

export function packageFact(name: string): FactRequest<PackageState> {
  return { kind: packageKind, param: name };
}

/** Files of a package that is not installed remain (config files, a half-removed package): a purge has work. */
export function hasFiles(state: PackageState): boolean {
  return state.status !== '' && state.status[1] !== 'n' && state.status[1] !== 'i';
}

/** What apt could install for a name: its candidate and every version its sources offer, best first. */
export interface PackageCandidate {
  name: string;
  /** apt's package cache has the name (a real package, or a virtual one that only others provide). */
  known: boolean;
  /** The version `apt-get install name` picks (under `release` as APT::Default-Release); undefined for none. */
  candidate?: string;
  /** Every version the sources and dpkg offer, as apt-cache policy lists them (descending). */
  versions: string[];
}

export interface CandidateParam {
  name: string;
  /** APT::Default-Release, as apt's `-t` (Ansible's default_release). */
  release?: string;
}

const POLICY_HEADER = /^(\S+):$/;
const POLICY_CANDIDATE = /^ {2}Candidate: (.+)$/;
const POLICY_VERSION = /^ (?:\*\*\*| {4}) ?(\S+) (-?\d+)$/;

/**
 * Candidates from `apt-cache policy` (one call per default release over every name asked).
 * Costly (apt builds its cache), so modules ask for it only when a decision needs it: a package
 * to install, `state: latest`, a pinned version. A name the cache does not know is `known: false`,
 * apt's own answer for it (no output); any other complaint is an error.
 */
export const packageCandidateKind: FactKind<CandidateParam, PackageCandidate> = {
  name: 'package-candidate',
  key: (param) => `${param.release ?? ''}\0${param.name}`,
  sections: (params) =>
    releases(params).map((release) => ({
      tool: 'apt-cache',
      script: `apt-cache${release ? ` -o APT::Default-Release=${shellQuote(release)}` : ''} policy -- ${params.filter((p) => (p.release ?? '') === release).map((p) => shellQuote(p.name)).join(' ')}`,
    })),
  parse(outputs, params) {
    const byRelease = new Map<string, Map<string, PackageCandidate>>();
    releases(params).forEach((release, index) => {
      const output = outputs[index];
      const missing = missingTool(output, 'package candidates need apt (a Debian-family host)');
      if (missing) throw missing;
      const complaints = stderrLines(output).filter((line) => !/^[NW]: /.test(line));
      if (output.code !== 0 || complaints.length > 0) throw new FactError('apt-cache', excerpt(output));
      byRelease.set(release, parsePolicy(output.stdout.toString('utf8')));
    });
    return params.map((param) => byRelease.get(param.release ?? '')!.get(param.name) ?? { name: param.name, known: false, versions: [] });
  },
};

function releases(params: CandidateParam[]): string[] {
  return [...new Set(params.map((p) => p.release ?? ''))];
}

/** apt-cache policy's blocks: `name:`, `  Installed:`, `  Candidate:`, `  Version table:` and its versions. */
export function parsePolicy(text: string): Map<string, PackageCandidate> {
  const found = new Map<string, PackageCandidate>();
  let current: PackageCandidate | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const header = POLICY_HEADER.exec(line);
    if (header) {
      current = { name: header[1], known: true, versions: [] };
      found.set(header[1], current);
      continue;
    }
    if (!current) throw new FactError('apt-cache', `output does not parse: '${line.slice(0, 120)}'`);
    const candidate = POLICY_CANDIDATE.exec(line);
    if (candidate) {
      current.candidate = candidate[1] === '(none)' ? undefined : candidate[1];
      continue;
    }
    const version = POLICY_VERSION.exec(line);
    if (version && !current.versions.includes(version[1])) current.versions.push(version[1]);
  }
  return found;
}

export function candidateFact(name: string, release?: string): FactRequest<PackageCandidate> {
  return { kind: packageCandidateKind, param: release ? { name, release } : { name } };
}

/** When apt's package lists were last updated, and the host's clock: Ansible's cache_valid_time compares the two. */
export interface AptCacheTime {
  /** mtime (epoch s) of /var/lib/apt/periodic/update-success-stamp, else of /var/lib/apt/lists, else 0. */
  updated: number;
  now: number;
}

export const APT_CACHE_STAMPS = ['/var/lib/apt/periodic/update-success-stamp', '/var/lib/apt/lists'] as const;

/** The same stat the apt module's get_cache_mtime() makes, and `date +%s`. */
export const aptCacheTimeKind: FactKind<string, AptCacheTime> = {
  name: 'apt-cache-time',
  key: () => '',
  sections: () => [
    {
      tool: 'stat',
      script: `if [ -e ${APT_CACHE_STAMPS[0]} ]; then stat -c %Y -- ${APT_CACHE_STAMPS[0]}; elif [ -e ${APT_CACHE_STAMPS[1]} ]; then stat -c %Y -- ${APT_CACHE_STAMPS[1]}; else echo 0; fi && date +%s`,
    },
  ],
  parse([output], params) {
    const match = /^(\d+)\n(\d+)\n$/.exec(output.stdout.toString('utf8'));
    if (output.code !== 0 || !match) throw new FactError('stat', `apt's cache time does not parse: ${excerpt(output)}`);
    return params.map(() => ({ updated: Number(match[1]), now: Number(match[2]) }));
  },
};

export function aptCacheTimeFact(): FactRequest<AptCacheTime> {
  return { kind: aptCacheTimeKind, param: '' };
}

/** dpkg's version order (epoch, upstream, revision; `~` sorts before anything), as apt_pkg.version_compare. */
export function compareDebianVersions(a: string, b: string): number {
  const split = (v: string) => {
    const colon = v.indexOf(':');
    const epoch = colon > 0 && /^\d+$/.test(v.slice(0, colon)) ? Number(v.slice(0, colon)) : 0;
    const rest = colon > 0 ? v.slice(colon + 1) : v;
    const dash = rest.lastIndexOf('-');
    return { epoch, upstream: dash >= 0 ? rest.slice(0, dash) : rest, revision: dash >= 0 ? rest.slice(dash + 1) : '' };
  };
  const x = split(a);
  const y = split(b);
  return Math.sign(x.epoch - y.epoch) || verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (c === '~') return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff = order(a[i]) - order(b[j]);
      if (diff !== 0) return Math.sign(diff);
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let first = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (first === 0) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (first !== 0) return Math.sign(first);
  }
  return 0;
}

/** Python's fnmatch.fnmatch (case-sensitive on Linux): `*`, `?`, `[seq]`, `[!seq]`. Ansible matches `name=version*` with it. */
export function fnmatch(text: string, pattern: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        let set = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        else if (set.startsWith('^')) set = `\\${set}`;
        source += `[${set}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^(?:${source})$`, 's').test(text);
}

export const APT_SOURCE_LIST = '/etc/apt/sources.list';
export const APT_SOURCE_PARTS = '/etc/apt/sources.list.d';

/** apt's one-line sources: every line of /etc/apt/sources.list and sources.list.d/*.list, by file. */
export type AptSources = Map<string, string[]>;

const SOURCE_LINE = /^(\/etc\/apt\/sources\.list(?:\.d\/[^\n]*?\.list)?):(.*)$/;

/**
 * The files apt_repository reads and rewrites, in one read-only call (`grep -H` prints each line
 * after its file's name). A write to any of them forgets the answer, so it is read again.
 */
export const aptSourcesKind: FactKind<string, AptSources> = {
  name: 'apt-sources',
  key: () => '',
  sections: () => [
    {
      tool: 'grep',
      script: `find /etc/apt -maxdepth 2 \\( -path ${APT_SOURCE_LIST} -o -path '${APT_SOURCE_PARTS}/*.list' \\) -type f -exec grep -H '' {} +`,
    },
  ],
  parse([output], params) {
    // grep exits 1 when every file is empty: still an answer; anything on stderr is not.
    if (output.code > 1 || output.stderr.length > 0) throw new FactError('grep', `apt's sources cannot be read: ${excerpt(output)}`);
    const files: AptSources = new Map();
    for (const line of output.stdout.toString('utf8').split('\n')) {
      if (line === '') continue;
      const match = SOURCE_LINE.exec(line);
      if (!match) throw new FactError('grep', `apt's sources do not parse: '${line.slice(0, 120)}'`);
      files.set(match[1], [...(files.get(match[1]) ?? []), match[2]]);
    }
    return params.map(() => files);
  },
  forgetOnPathChanged: (_param, path) => path === APT_SOURCE_LIST || path.startsWith(`${APT_SOURCE_PARTS}/`),
};

export function aptSourcesFact(): FactRequest<AptSources> {
  return { kind: aptSourcesKind, param: '' };
}
