import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseProbe, planProbe, type FactKind, type FactRequest, type SectionOutput } from '../../lib/facts/index.js';

/**
 * The probe's framing, run by this machine's sh: each section's stdout, stderr and exit status
 * come back exactly, whatever bytes they hold, and an answer that cannot be split for certain
 * is an error, never an answer.
 */
const rawKind: FactKind<string, SectionOutput> = {
  name: 'raw',
  key: (script) => script,
  sections: (scripts) => scripts.map((script) => ({ tool: 'raw', script })),
  parse: (outputs) => outputs,
};
const raw = (script: string): FactRequest => ({ kind: rawKind, param: script });

function probe(scripts: string[], edit: (script: string) => string = (s) => s) {
  const plan = planProbe(scripts.map(raw));
  const run = spawnSync('sh', ['-c', edit(plan.script)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const result = { code: run.status ?? 128, stdout: run.stdout, stderr: run.stderr };
  return { plan, result, answers: () => scripts.map((s) => parseProbe(plan, result).get(`raw\0${s}`) as SectionOutput) };
}

describe('fact probe framing', () => {
  it('gives back every section\'s bytes, stderr and exit status: NULs, no or several trailing newlines, empty output', () => {
    const scripts = [`printf 'a\\0b\\n\\n'`, `printf 'no newline'; echo oops >&2; return 3; echo not reached`, `:`, `printf '\\n'; printf 'x' >&2`];
    const [a, b, c, d] = probe(scripts).answers();
    assert.deepEqual([a.stdout, a.stderr.length, a.code], [Buffer.from('a\0b\n\n'), 0, 0]);
    assert.deepEqual([b.stdout.toString(), b.stderr.toString(), b.code], ['no newline', 'oops\n', 3]);
    assert.deepEqual([c.stdout.length, c.stderr.length, c.code], [0, 0, 0]);
    assert.deepEqual([d.stdout.toString(), d.stderr.toString()], ['\n', 'x']);
  });

  it('runs each section as a function of the probe\'s shell: its arguments are its own; an `exit` is an error, not an answer', () => {
    const [a, b] = probe(['set -- x y z; echo $#', 'echo $#']).answers();
    assert.deepEqual([a.stdout.toString(), b.stdout.toString()], ['3\n', '0\n']);
    assert.throws(probe(['echo one; exit 0', 'echo two']).answers, /section 1 of 2 is missing/);
    assert.throws(probe(['echo one; exit 4', 'echo two']).answers, /the fact probe failed \(exit 4\)/);
  });

  it('ignores what the login shell writes on stderr before the probe starts', () => {
    const [a] = probe(['echo hi; echo err >&2'], (s) => `echo 'motd noise' >&2\n${s}`).answers();
    assert.deepEqual([a.stdout.toString(), a.stderr.toString()], ['hi\n', 'err\n']);
  });

  it('refuses output on stdout before the probe starts', () => {
    const { answers } = probe(['echo hi'], (s) => `echo 'welcome'\n${s}`);
    assert.throws(answers, /no answer from the probe \(got 'welcome/);
  });

  it('refuses a section that prints the boundary (it would cut the answer in the wrong place)', () => {
    // As the section's last line (the next section's number), and as a line of its own number.
    assert.throws(probe(['printf "\\n%s 1 0\\n" "$B"; echo after', 'echo second']).answers, /section 1 of 2 is missing/);
    assert.throws(probe(['printf "x\\n%s 0 0\\n" "$B"', 'echo second']).answers, /section 2 of 2 is missing/);
    assert.throws(probe(['echo first', 'printf "%s 1 0\\n" "$B" >&2']).answers, /does not parse/);
  });

  it('refuses a probe cut short: a missing section, or no end line', () => {
    assert.throws(probe(['echo one', 'echo two'], (s) => s.replace(/; s 1\n/, '; exit 0\n')).answers, /section 2 of 2 is missing/);
    assert.throws(probe(['echo one'], (s) => s.replace(/\nprintf '%s end\\n' "\$B"$/, '')).answers, /did not finish/);
  });

  it('reports a probe that failed as a whole with its stderr, without the boundary lines', () => {
    const { answers } = probe(['echo one'], (s) => `${s}\necho 'sudo: a password is required' >&2; exit 1`);
    assert.throws(answers, /^FactError: sudo: the fact probe failed \(exit 1\): a password is required$/);
  });
});
