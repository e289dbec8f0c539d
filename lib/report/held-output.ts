/**
 * Text for an output stream, written once per turn of the event loop. stdout to a pipe or a
 * file is synchronous: a write per line (a result line per task and host) was a measurable share
 * of the controller's CPU per host. The text of a turn goes out in order, in one write, before
 * anything of the next turn, and before the process exits however it exits.
 */
export class HeldOutput {
  /** Text of this turn of the event loop, not written yet. */
  private held = '';
  private readonly flushHeld = () => this.flush();

  constructor(private readonly out: NodeJS.WritableStream) {}

  write(text: string): void {
    if (this.held === '') {
      process.nextTick(this.flushHeld);
      process.once('exit', this.flushHeld);
    }
    this.held += text;
    // A turn that says a lot (diffs of many hosts) is not held whole in memory.
    if (this.held.length >= HELD_LIMIT) this.flush();
  }

  flush(): void {
    if (this.held === '') return;
    process.removeListener('exit', this.flushHeld);
    const text = this.held;
    this.held = '';
    this.out.write(text);
  }
}

const HELD_LIMIT = 1 << 20;
