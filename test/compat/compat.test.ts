import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  batches, loadFixtures, pathCount, runBatch, runbookExitFor, stateDifferences, tail, TOOL_DEADLINE_MS, type BatchOutcome,
} from './harness.js';

function ansibleAvailable(): boolean {
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('differential compatibility: ansible-playbook and runbook on fresh sandbox hosts', function () {
  // A batch is two tool runs at once, then runbook's rerun, each under the harness's own deadline.
  this.timeout(2 * TOOL_DEADLINE_MS + 60_000);
  // The oracle must be there: .ci/run installs it. A missing oracle is a failure, not a skip.
  before(() => assert.ok(ansibleAvailable(), 'ansible-playbook is not installed (apt-get install ansible-core)'));

  for (const batch of batches(loadFixtures())) {
    describe(`batch ${batch.name} (${batch.fixtures.map((f) => f.name).join(', ')})`, () => {
      let outcome: BatchOutcome;
      before(async () => {
        outcome = await runBatch(batch.fixtures);
      });

      it('exits as ansible-playbook does, with the same recap counts per host', () => {
        const expected = batch.fixtures[0].exit;
        assert.equal(outcome.ansible.code, expected, `ansible-playbook exit (fixture expects ${expected}):\n${tail(outcome.ansible)}`);
        assert.equal(outcome.runbook.code, runbookExitFor(expected), `runbook exit:\n${tail(outcome.runbook)}`);
        assert.ok(Object.keys(outcome.ansible.recap).length > 0, `no recap from ansible-playbook:\n${tail(outcome.ansible)}`);
        assert.deepEqual(outcome.runbook.recap, outcome.ansible.recap, `recap differs\nansible:\n${tail(outcome.ansible, 25)}\nrunbook:\n${tail(outcome.runbook, 25)}`);
      });

      for (const fixture of batch.fixtures) {
        it(`${fixture.name}: same end state (${fixture.description})`, () => {
          assert.ok(pathCount(fixture, outcome.ansibleState) > 0, `ansible left nothing under ${fixture.roots.join(', ')}: the fixture tests nothing`);
          assert.deepEqual(stateDifferences(fixture, outcome.ansibleState, outcome.runbookState), []);
        });
      }

      if (batch.fixtures.every((f) => f.idempotent)) {
        it('runbook changes nothing on a second run', () => {
          assert.equal(outcome.rerun.code, runbookExitFor(batch.fixtures[0].exit), tail(outcome.rerun));
          const changed = Object.entries(outcome.rerun.recap).filter(([, r]) => r.changed > 0).map(([h, r]) => `${h}: changed=${r.changed}`);
          assert.ok(Object.keys(outcome.rerun.recap).length > 0, tail(outcome.rerun));
          assert.deepEqual(changed, [], tail(outcome.rerun));
        });
      }
    });
  }
});
