import type { TaskSpec } from '../playbook/types.js';
import type { TaskOutcome } from './task.js';

/**
 * run_once, as Ansible: the task runs on the first host of the play (in inventory order) that
 * gets to it, and every other host takes its registered result. When that host stops or ends
 * its play before the task, the next host in order runs it instead.
 */
export class RunOnceGates {
  private readonly gates = new Map<TaskSpec, Gate>();
  private readonly gone = new Set<string>();
  private wake: () => void = () => {};
  private changed = this.nextChange();

  constructor(private readonly hosts: string[]) {}

  /** Resolves with the outcome when another host ran the task, or undefined when this host must run it. */
  async await(task: TaskSpec, host: string): Promise<TaskOutcome | undefined> {
    const gate = this.gate(task);
    for (;;) {
      if (gate.outcome) return gate.outcome;
      if (this.chosen(gate) === host) {
        gate.running = true;
        return undefined;
      }
      await this.changed;
    }
  }

  done(task: TaskSpec, outcome: Promise<TaskOutcome>): void {
    this.gate(task).outcome = outcome;
    this.signal();
  }

  /** The host will reach no more tasks of this play. */
  leave(host: string): void {
    this.gone.add(host);
    this.signal();
  }

  private chosen(gate: Gate): string | undefined {
    return gate.running ? undefined : this.hosts.find((h) => !this.gone.has(h));
  }

  private gate(task: TaskSpec): Gate {
    let gate = this.gates.get(task);
    if (!gate) this.gates.set(task, (gate = { running: false }));
    return gate;
  }

  private signal(): void {
    const wake = this.wake;
    this.changed = this.nextChange();
    wake();
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }
}

interface Gate {
  running: boolean;
  outcome?: Promise<TaskOutcome>;
}

/**
 * run_once gates for each part of a play that hosts pass through: its tasks, and each point
 * where handlers are flushed. A host leaves a part when it is past it, and leaves them all
 * when its play is over, so no host waits on one that will never come.
 */
export class RunOnceScopes {
  private readonly scopes = new Map<object, RunOnceGates>();
  private readonly gone = new Set<string>();

  constructor(private readonly hosts: string[]) {}

  of(key: object): RunOnceGates {
    let gates = this.scopes.get(key);
    if (!gates) {
      gates = new RunOnceGates(this.hosts);
      for (const host of this.gone) gates.leave(host);
      this.scopes.set(key, gates);
    }
    return gates;
  }

  /** The host's play is over. */
  leave(host: string): void {
    this.gone.add(host);
    for (const gates of this.scopes.values()) gates.leave(host);
  }
}
