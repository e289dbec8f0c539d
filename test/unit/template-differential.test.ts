/**
 * The differential template suite (test/fixtures/template/cases.yaml): every
 * case rendered by Ansible's own templating and by runbook must agree, value and
 * type; cases listed as unsupported must still differ, so that list stays true.
 */
import assert from 'node:assert/strict';
import { caseVars, renderWithRunbook } from '../template/runbook-engine.js';
import { compare, loadSuite, runOracle, type Outcome } from '../template/suite.js';

describe('template: differential suite against Ansible', function () {
  this.timeout(300_000);
  const suite = loadSuite();
  let oracle: Map<string, Outcome>;

  before(function () {
    oracle = runOracle(suite.cases);
  });

  const groups = [...new Set(suite.cases.map((c) => c.group))];
  for (const group of groups) {
    const cases = suite.cases.filter((c) => c.group === group && !suite.unsupported.has(c.id));
    it(`${group}: ${cases.length} cases render as Ansible renders them`, () => {
      const mismatches: string[] = [];
      for (const testCase of cases) {
        const expected = oracle.get(testCase.id);
        assert.ok(expected, `oracle has no answer for ${testCase.id}`);
        const verdict = compare(expected, renderWithRunbook(testCase, caseVars(testCase)));
        if (!verdict.same) mismatches.push(`${testCase.id}\n    ansible: ${verdict.expected}\n    runbook: ${verdict.actual}`);
      }
      assert.equal(mismatches.length, 0, `${mismatches.length} of ${cases.length} differ:\n  ${mismatches.join('\n  ')}`);
    });
  }

  it('cases listed as unsupported still render differently (else drop them from the list)', () => {
    const nowSame: string[] = [];
    for (const testCase of suite.cases.filter((c) => suite.unsupported.has(c.id))) {
      if (compare(oracle.get(testCase.id)!, renderWithRunbook(testCase)).same) nowSame.push(testCase.id);
    }
    assert.deepEqual(nowSame, []);
  });
});
