import { gatheredFact } from '../facts/gathered.js';
import { builtTask, type PlaySpec, type TaskSpec } from '../playbook/types.js';
import type { HostRun } from './host-run.js';
import { recordResult } from './results.js';
import { taskPrivilege, type RunScope, type TaskOutcome } from './task.js';
import { UnreachableError } from '../transport/ssh.js';

/** The task Ansible reports for a play's implicit fact gathering. */
export function gatherTask(play: PlaySpec): TaskSpec {
  return builtTask({ name: 'Gathering Facts', module: 'setup', args: { gather_subset: play.gatherSubset }, tags: ['always'], location: play.location });
}

/** Ask for the play's gathered facts ahead, so that they come in the host's first probe. */
export function wantGatheredFacts(run: HostRun, play: PlaySpec): void {
  if (play.gatherFacts) run.facts(taskPrivilege(run, play, gatherTask(play))).want([gatheredFact(play.gatherSubset)]);
}

/**
 * Ansible's implicit first task of a play: the host's facts become its variables (`ansible_*`
 * and `ansible_facts.*`), reported as the task 'Gathering Facts' (ok, or failed: the host stops).
 * Answered by the same probe as the play's other facts; cached for the run.
 */
export async function gatherFacts(scope: RunScope, run: HostRun, play: PlaySpec, hostvars: Record<string, unknown>, extraVars: Record<string, unknown>): Promise<void> {
  const task = gatherTask(play);
  scope.emit({ type: 'task_start', host: run.name, play: play.name, task: task.name, index: -1, handler: false });
  const started = Date.now();
  let outcome: TaskOutcome;
  try {
    const facts = await run.facts(taskPrivilege(run, play, task)).get(gatheredFact(play.gatherSubset));
    run.setVars('gathered', facts);
    for (const [name, value] of Object.entries(facts)) if (!(name in extraVars)) hostvars[name] = value;
    hostvars.ansible_facts = run.namespacedFacts();
    outcome = { status: 'ok', result: { changed: false, ansible_facts: facts } };
  } catch (error) {
    run.stopped = true;
    if (error instanceof UnreachableError) outcome = { status: 'unreachable', message: error.message, result: { unreachable: true } };
    else outcome = { status: 'failed', message: error instanceof Error ? error.message : String(error), result: { failed: true } };
  }
  recordResult(scope, run, play, task, -1, false, outcome, started);
}
