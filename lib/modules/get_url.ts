import { posix } from 'node:path';
import { commandFact } from '../facts/command.js';
import { shellQuote } from '../util/shell.js';
import { describeChanges, fileMetadataArgs, planRegularFile, regularFileAfter, setMetadata, writeFacts, modeAfter } from './file-state.js';
import { curlConfig, curlFact, headerList, requireCurl, urlArgs, type RequestArgs } from './http-request.js';
import type { CheckResult, ModuleContext, ModuleDefinition, PathState } from './types.js';

interface GetUrlArgs extends RequestArgs {
  dest: string;
  checksum: string;
  force: boolean;
  timeout: number;
  mode?: string;
  owner?: string;
  group?: string;
}

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** `checksum: sha256:abc…` as Ansible reads it: the hex digits only, lower-cased. */
export function parseChecksum(text: string): { algorithm: Algorithm; digest: string } | undefined {
  if (text === '') return undefined;
  const colon = text.indexOf(':');
  if (colon < 0) throw new Error('The checksum parameter has to be in format <algorithm>:<checksum>');
  const algorithm = text.slice(0, colon) as Algorithm;
  const value = text.slice(colon + 1);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new Error('a checksum given as a URL (a SHA256SUMS file) is not supported: give the digest');
  if (!ALGORITHMS.includes(algorithm)) throw new Error(`unsupported checksum algorithm '${algorithm}' (${ALGORITHMS.join(', ')})`);
  const digest = value.replace(/\W+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(digest)) throw new Error('The checksum format is invalid');
  return { algorithm, digest };
}

/** `/srv/x/` and `/srv/x` name the same path (a fact's key is the path without the slash). */
function withoutSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** The file name Ansible picks in a dest directory (url_filename): the URL path's last part, else index.html. */
export function urlFileName(url: string): string {
  const path = new URL(url).pathname;
  return decodeURIComponent(posix.basename(path)) || 'index.html';
}

export interface GetUrlPlan {
  dest: string;
  /** Download (else only the file's owner and mode are brought to what the task asks). */
  download: boolean;
  current: PathState;
  after: PathState;
  checksum?: { algorithm: Algorithm; digest: string };
}

/**
 * Ansible's decision (modules/get_url.py main()): an existing file is kept when `force` is off and
 * the checksum matches, or when no checksum is given (documented: "only downloaded if the
 * destination does not exist"); a dest directory is downloaded into every time.
 */
export function decideDownload(args: { force: boolean }, dest: { exists: boolean; isDirectory: boolean }, checksum: { want?: string; have?: string }): boolean {
  if (dest.isDirectory || !dest.exists || args.force) return true;
  if (checksum.want !== undefined) return checksum.want !== checksum.have;
  return false;
}

async function currentDigest(path: string, current: PathState, algorithm: Algorithm, ctx: ModuleContext): Promise<string | undefined> {
  if (algorithm === 'sha256') return current.sha256;
  const answer = await ctx.facts.get(commandFact([`${algorithm}sum`, '--', path]));
  if (answer.code !== 0) throw new Error(`${algorithm}sum ${path}: ${answer.stderr.toString('utf8').trim()}`);
  return answer.stdout.toString('utf8').split(/\s/)[0];
}

/** The host's script: fetch into a temp file next to dest, check the digest, replace dest only when the bytes differ. */
export function downloadScript(plan: GetUrlPlan): string {
  const dest = shellQuote(plan.dest);
  const dir = shellQuote(posix.dirname(plan.dest));
  const verify = plan.checksum
    ? `got=$(${plan.checksum.algorithm}sum <"$t" | cut -d' ' -f1)
[ "$got" = ${plan.checksum.digest} ] || { printf 'checksum %s\\n' "$got"; exit 0; }
`
    : '';
  return `t=$(mktemp ${dir}/.runbook.get_url.XXXXXX) || exit 1
trap 'rm -f -- "$t"' EXIT
code=$(curl -K - -o "$t" -w '%{http_code}') || exit $?
[ "$code" = 200 ] || { printf 'status %s\\n' "$code"; exit 0; }
${verify}sum=$(sha1sum <"$t" | cut -d' ' -f1)
if [ -f ${dest} ] && cmp -s -- "$t" ${dest}; then printf 'same %s\\n' "$sum"; exit 0; fi
if [ -e ${dest} ]; then chmod --reference=${dest} -- "$t" && chown --reference=${dest} -- "$t"; else chmod 0644 -- "$t"; fi
mv -f -- "$t" ${dest} && printf 'new %s\\n' "$sum"`;
}

export const getUrl: ModuleDefinition<GetUrlArgs, GetUrlPlan> = {
  name: 'get_url',
  description: 'A file downloaded BY THE HOST (curl), kept when its checksum matches; owner and mode as asked.',
  example: `- name: Helm's release tarball, verified
  get_url:
    url: https://get.helm.sh/helm-v3.14.0-linux-amd64.tar.gz
    dest: /opt/helm.tar.gz
    checksum: sha256:f43e1c3387de24547506ab05d24e5309c0ce0b228c23bd8aa64e9ec4b8206651
    mode: '0644'
`,
  args: {
    ...urlArgs,
    dest: { type: 'path', absolute: true, required: true },
    checksum: { type: 'str', default: '', description: '<algorithm>:<hex digest> (md5, sha1, sha224, sha256, sha384, sha512)' },
    force: { type: 'bool', default: false, aliases: ['thirsty'] },
    timeout: { type: 'int', default: 10 },
    ...fileMetadataArgs(),
  },
  validate: (args) => {
    if (typeof args.checksum !== 'string' || /\{\{|\{%/.test(args.checksum)) return undefined;
    try {
      parseChecksum(args.checksum);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
  prefetch: (args) => [curlFact(), ...writeFacts(withoutSlash(args.dest), args)],
  async check(args, ctx) {
    await requireCurl('get_url', ctx);
    const checksum = parseChecksum(args.checksum);
    const given = await ctx.facts.path(withoutSlash(args.dest));
    const isDirectory = given.exists && given.type === 'directory';
    if (!given.exists && args.dest.endsWith('/')) throw new Error(`Destination ${args.dest} does not exist`);
    const dest = isDirectory ? posix.join(args.dest, urlFileName(args.url)) : withoutSlash(args.dest);
    const current = isDirectory ? await ctx.facts.path(dest) : given;
    if (current.exists && current.type !== 'file') throw new Error(`${dest} exists and is a ${current.type}, not a regular file`);
    const have = checksum && current.exists ? await currentDigest(dest, current, checksum.algorithm, ctx) : undefined;
    const download = decideDownload(args, { exists: current.exists, isDirectory }, { want: checksum?.digest, have });
    const base = { dest, url: args.url };
    if (!download) {
      // The file stays: only its owner, group and mode (Ansible: "file already exists").
      const plan = await planRegularFile({ path: dest, mode: args.mode, owner: args.owner, group: args.group }, ctx);
      return { ...plan, result: { ...plan.result, ...base, msg: 'file already exists' }, data: { dest, download: false, current, after: plan.predicted?.[0] ?? current, checksum } };
    }
    const after: PathState = { ...regularFileAfter(current, { path: dest, mode: args.mode, owner: args.owner, group: args.group }, ctx), sha256: checksum?.algorithm === 'sha256' ? checksum.digest : undefined };
    return {
      // Whether the bytes differ is known once the host has them; apply says (a forced download of the same bytes is ok).
      changed: true,
      message: `${ctx.dryRun ? 'would download' : 'download'} ${args.url}${current.exists ? ' (replaced if the bytes differ)' : ''}`,
      // The bytes (and so the checksum) are known once fetched: a real run probes the file again when next asked.
      predicted: ctx.dryRun ? [after] : undefined,
      invalidatesFacts: !ctx.dryRun,
      result: { ...base, checksum_dest: null },
      data: { dest, download: true, current, after, checksum },
    };
  },
  async apply(args, check: CheckResult<GetUrlPlan>, ctx) {
    const plan = check.data!;
    if (!plan.download) {
      setMetadata(plan.dest, { mode: args.mode === undefined ? undefined : plan.after.mode, owner: args.owner, group: args.group }, ctx, false);
      return { changed: true };
    }
    const config = curlConfig(args, { url: args.url, headers: headerList(args.headers), timeout: args.timeout, followRedirects: true });
    const result = await ctx.transport.exec(downloadScript(plan), { ...ctx.privilege, stdin: config });
    const said = result.stdout.toString('utf8').trim();
    if (result.code !== 0) throw new Error(`fetching ${args.url} on ${ctx.host} failed (curl exit ${result.code}): ${result.stderr.toString('utf8').trim() || said}`);
    const [outcome, value] = said.split(' ');
    if (outcome === 'status') return { changed: false, failed: true, message: `Request failed: status ${value}`, result: { msg: 'Request failed', status_code: Number(value), dest: plan.dest, url: args.url } };
    if (outcome === 'checksum') {
      const algorithm = plan.checksum!.algorithm;
      return { changed: false, failed: true, message: `The checksum for ${plan.dest} did not match ${plan.checksum!.digest}; it was ${value}.`, result: { msg: `The checksum for ${plan.dest} did not match ${plan.checksum!.digest}; it was ${value}.`, algorithm } };
    }
    if (outcome !== 'same' && outcome !== 'new') throw new Error(`get_url: unexpected answer from the host: ${said.slice(0, 200)}`);
    // Owner, group and mode as asked, on the new file or the one that stayed.
    const before = outcome === 'same' ? plan.current : { ...plan.current, exists: true, mode: plan.current.exists ? plan.current.mode : '0644', owner: plan.current.exists ? plan.current.owner : ctx.user, group: plan.current.exists ? plan.current.group : ctx.user };
    const metadata = { mode: modeAfter(args.mode, before.mode, false), owner: args.owner, group: args.group };
    const metadataChanges = describeChanges(before, { ...before, ...Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined)) }, false);
    if (metadataChanges.length > 0) setMetadata(plan.dest, metadata, ctx, false);
    return { changed: outcome === 'new' || metadataChanges.length > 0, message: outcome === 'same' ? (metadataChanges.join(', ') || 'the same bytes') : undefined, result: { checksum_src: value, status_code: 200, msg: 'OK' } };
  },
};
