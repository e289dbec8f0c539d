import { FactError, requestKey, type FactKind, type FactRequest, type SectionOutput, type SectionScript } from './kind.js';

/**
 * One remote script answers every wanted fact of a host: each kind contributes its sections
 * (one `stat` over all paths, one `dpkg-query` over all packages, ...). Each section runs in a
 * subshell with its stdout and stderr in temp files, then comes back framed by a header line
 * `#<index> <exit> <stdout bytes> <stderr bytes>`, so any bytes survive (NULs, trailing newlines)
 * and a section that is missing, or a probe that stops early, is seen as such.
 * Messages are forced to the C locale: parsers read them ("No such file or directory").
 */
export interface ProbePlan {
  script: string;
  /** Per kind, its distinct requests and how many sections it has, in script order. */
  groups: Array<{ kind: FactKind<any, any>; requests: FactRequest[]; sections: SectionScript[] }>;
}

export function planProbe(requests: FactRequest[]): ProbePlan {
  const byKind = new Map<FactKind<any, any>, Map<string, FactRequest>>();
  for (const request of requests) {
    let group = byKind.get(request.kind);
    if (!group) byKind.set(request.kind, (group = new Map()));
    group.set(requestKey(request), request);
  }
  const groups: ProbePlan['groups'] = [];
  const lines = [
    'LC_ALL=C; export LC_ALL',
    'T=$(mktemp -d) || exit 97',
    `trap 'rm -rf -- "$T"' EXIT`,
    `s() { r=$?; printf '#%s %s %s %s\\n' "$1" "$r" $(($(wc -c <"$T/o"))) $(($(wc -c <"$T/e"))); cat -- "$T/o" "$T/e"; }`,
  ];
  let index = 0;
  for (const [kind, distinct] of byKind) {
    const list = [...distinct.values()];
    const sections = kind.sections(list.map((r) => r.param));
    groups.push({ kind, requests: list, sections });
    for (const section of sections) {
      lines.push(`(\n${section.script}\n) >"$T/o" 2>"$T/e" </dev/null; s ${index++}`);
    }
  }
  lines.push(`printf '#end\\n'`);
  return { script: lines.join('\n'), groups };
}

/** Split a probe's stdout into its sections; a missing or truncated section is an error. */
export function splitSections(stdout: Buffer, tools: string[]): SectionOutput[] {
  const outputs: SectionOutput[] = [];
  let offset = 0;
  for (let index = 0; index < tools.length; index++) {
    const end = stdout.indexOf(0x0a, offset);
    const header = end < 0 ? '' : stdout.subarray(offset, end).toString('latin1');
    const match = /^#(\d+) (\d+) (\d+) (\d+)$/.exec(header);
    if (!match || Number(match[1]) !== index) {
      throw new FactError(tools[index], `no answer from the probe (section ${index + 1} of ${tools.length} is missing${offset < stdout.length ? `; got '${stdout.subarray(offset, offset + 80).toString('utf8')}'` : ''})`);
    }
    const [code, outBytes, errBytes] = [Number(match[2]), Number(match[3]), Number(match[4])];
    const start = end + 1;
    if (start + outBytes + errBytes > stdout.length) throw new FactError(tools[index], 'the probe\'s answer is cut short');
    outputs.push({ tool: tools[index], code, stdout: stdout.subarray(start, start + outBytes), stderr: stdout.subarray(start + outBytes, start + outBytes + errBytes) });
    offset = start + outBytes + errBytes;
  }
  if (stdout.subarray(offset).toString('latin1') !== '#end\n') throw new FactError('sh', 'the probe did not finish');
  return outputs;
}

/**
 * Every answer of a probe, by request key. Throws FactError (without the host: the caller adds
 * it) when the probe failed as a whole or a kind's parser refuses its output.
 */
export function parseProbe(plan: ProbePlan, result: { code: number; stdout: Buffer; stderr: Buffer }): Map<string, unknown> {
  const tools = plan.groups.flatMap((g) => g.sections.map((s) => s.tool));
  if (result.code !== 0) {
    const said = result.stderr.toString('utf8').trim().split('\n').slice(0, 3).join(' / ');
    const tool = /^(sudo|sh|bash|mktemp)\b/.exec(said)?.[1] ?? 'probe';
    throw new FactError(tool, `the fact probe failed (exit ${result.code})${said ? `: ${said.replace(/^(sudo|sh|bash|mktemp): /, '')}` : ''}`);
  }
  const outputs = splitSections(result.stdout, tools);
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
