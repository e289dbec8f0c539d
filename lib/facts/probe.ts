import { randomHex } from '../util/digest.js';
import { FactError, requestKey, type FactKind, type FactRequest, type SectionOutput, type SectionScript } from './kind.js';

/**
 * One remote script answers every wanted fact of a host: each kind contributes its sections
 * (one `stat` over all paths, one `dpkg-query` over all packages, ...). Each section runs as a
 * shell function of the probe's own shell (no subshell: a fork costs milliseconds on a busy host;
 * the function's own `"$@"` keeps a section's `set --` to itself, `return` ends it early), stdin
 * from /dev/null, writing straight to the probe's stdout and stderr; after it the script prints a
 * boundary line `<boundary> <index> <exit>` on stdout and `<boundary> <index>` on stderr, the
 * boundary being random per probe. Any bytes survive (NULs, trailing newlines), a section that is
 * missing or a probe that stops early is seen as such, and the framing costs no process on the
 * host (temp files and `wc -c` per section did: a fork and exec each cost milliseconds there).
 * Output that repeats the boundary (it cannot guess it) makes the count wrong: an error too.
 * Messages are forced to the C locale: parsers read them ("No such file or directory").
 */
export interface ProbePlan {
  script: string;
  /** Random per probe: frames the sections in the answer. */
  boundary: string;
  /** Per kind, its distinct requests and how many sections it has, in script order. */
  groups: Array<{ kind: FactKind<any, any>; requests: FactRequest[]; sections: SectionScript[] }>;
}

export function planProbe(requests: FactRequest[]): ProbePlan {
  const keys = requests.map(requestKey);
  let shape = '';
  for (const key of keys) shape += `${key.length}:${key}`;
  let shared = sharedPlans.get(shape);
  if (!shared) {
    if (sharedPlans.size >= SHARED_PLANS) sharedPlans.clear(); // bounded; a fleet's hosts ask few distinct sets
    sharedPlans.set(shape, (shared = sharedPlan(requests, keys)));
  }
  const boundary = `probe-${randomHex(12)}`;
  return { script: `${shared.head}${boundary}${shared.tail}`, boundary, groups: shared.groups };
}

/**
 * The script around its boundary, and the groups, for one list of requests: hosts that ask the
 * same questions (most of a fleet) share them; only the boundary is each probe's own.
 */
interface SharedPlan {
  head: string;
  tail: string;
  groups: ProbePlan['groups'];
}
const SHARED_PLANS = 256;
const sharedPlans = new Map<string, SharedPlan>();

function sharedPlan(requests: FactRequest[], keys: string[]): SharedPlan {
  const byKind = new Map<FactKind<any, any>, Map<string, FactRequest>>();
  requests.forEach((request, i) => {
    let group = byKind.get(request.kind);
    if (!group) byKind.set(request.kind, (group = new Map()));
    group.set(keys[i], request);
  });
  const groups: ProbePlan['groups'] = [];
  const head = 'LC_ALL=C; export LC_ALL\nB=';
  const lines = [
    // A newline before each boundary: a section's output need not end with one (it is taken off again).
    `s() { r=$?; printf '\\n%s %s %s\\n' "$B" "$1" "$r"; printf '\\n%s %s\\n' "$B" "$1" >&2; }`,
    `printf '%s begin\\n' "$B"; printf '%s begin\\n' "$B" >&2`,
  ];
  let index = 0;
  for (const [kind, distinct] of byKind) {
    const list = [...distinct.values()];
    const sections = kind.sections(list.map((r) => r.param));
    groups.push({ kind, requests: list, sections });
    for (const section of sections) {
      lines.push(`_section() {\n${section.script}\n}; _section </dev/null; s ${index++}`);
    }
  }
  lines.push(`printf '%s end\\n' "$B"`);
  return { head, tail: `\n${lines.join('\n')}`, groups };
}

/**
 * Split a probe's stdout and stderr into its sections; a missing, truncated or forged section is
 * an error. stdout: `<B> begin\n`, then per section its output, `\n<B> <index> <exit>\n`, then
 * `<B> end\n`. stderr: whatever the login shell said, `<B> begin\n`, then per section its errors
 * and `\n<B> <index>\n`.
 */
export function splitSections(stdout: Buffer, stderr: Buffer, boundary: string, tools: string[]): SectionOutput[] {
  const begin = Buffer.from(`${boundary} begin\n`);
  const count = (output: Buffer) => {
    let n = 0;
    for (let at = output.indexOf(boundary); at >= 0; at = output.indexOf(boundary, at + boundary.length)) n++;
    return n;
  };
  if (!stdout.subarray(0, begin.length).equals(begin)) {
    throw new FactError(tools[0] ?? 'sh', `no answer from the probe${stdout.length ? ` (got '${stdout.subarray(0, 80).toString('utf8')}')` : ''}`);
  }
  const marker = Buffer.from(`\n${boundary} `);
  const outputs: SectionOutput[] = [];
  let out = begin.length;
  const errStart = stderr.indexOf(begin);
  let err = errStart < 0 ? stderr.length : errStart + begin.length;
  for (let index = 0; index < tools.length; index++) {
    const outEnd = stdout.indexOf(marker, out);
    const lineEnd = outEnd < 0 ? -1 : stdout.indexOf(0x0a, outEnd + marker.length);
    const header = lineEnd < 0 ? undefined : /^(\d+) (\d+)$/.exec(stdout.subarray(outEnd + marker.length, lineEnd).toString('latin1'));
    const errEnd = stderr.indexOf(Buffer.from(`\n${boundary} ${index}\n`), err);
    if (!header || Number(header[1]) !== index || errEnd < 0) {
      throw new FactError(tools[index], `no answer from the probe (section ${index + 1} of ${tools.length} is missing${out < stdout.length ? `; got '${stdout.subarray(out, out + 80).toString('utf8')}'` : ''})`);
    }
    outputs.push({ tool: tools[index], code: Number(header[2]), stdout: stdout.subarray(out, outEnd), stderr: stderr.subarray(err, errEnd) });
    out = lineEnd + 1;
    err = errEnd + boundary.length + String(index).length + 3;
  }
  if (stdout.subarray(out).toString('latin1') !== `${boundary} end\n`) throw new FactError('sh', 'the probe did not finish');
  // Output that contains the boundary would have been cut at the wrong place: never trust it.
  if (count(stdout) !== tools.length + 2 || count(stderr) !== tools.length + 1) throw new FactError('sh', 'the probe\'s answer does not parse (a section printed its boundary)');
  return outputs;
}

/**
 * Every answer of a probe, by request key. Throws FactError (without the host: the caller adds
 * it) when the probe failed as a whole or a kind's parser refuses its output.
 */
export function parseProbe(plan: ProbePlan, result: { code: number; stdout: Buffer; stderr: Buffer }): Map<string, unknown> {
  const tools = plan.groups.flatMap((g) => g.sections.map((s) => s.tool));
  if (result.code !== 0) {
    const said = result.stderr.toString('utf8').split('\n').filter((line) => line.trim() !== '' && !line.includes(plan.boundary)).slice(0, 3).join(' / ');
    const tool = /^(sudo|sh|bash|mktemp)\b/.exec(said)?.[1] ?? 'probe';
    throw new FactError(tool, `the fact probe failed (exit ${result.code})${said ? `: ${said.replace(/^(sudo|sh|bash|mktemp): /, '')}` : ''}`);
  }
  const outputs = splitSections(result.stdout, result.stderr, plan.boundary, tools);
  const answers = new Map<string, unknown>();
  let next = 0;
  for (const group of plan.groups) {
    const mine = outputs.slice(next, next + group.sections.length);
    next += group.sections.length;
    const values = group.kind.parse(mine, group.requests.map((r) => r.param));
    group.requests.forEach((request, i) => answers.set(requestKey(request), values[i]));
  }
  return answers;
}
