/**
 * Output written once per turn of the event loop: stdout to a pipe or file is synchronous, and a
 * write per line (30 per host on a no-op; a line per event in JSON) was a measurable share of the
 * controller's CPU per host. What is held is written before the process exits, however it exits.
 */
/** Characters held before they are written, whether or not the turn ended. */
const TURN_WRITE_LIMIT = 1 << 20;

export class TurnWriter {
  private held = '';
  private readonly flushHeld = () => this.flush();

  constructor(private readonly out: NodeJS.WritableStream) {}

  /** `text` and a newline, written at the end of this turn. */
  line(text: string): void {
    if (this.held === '') {
      process.nextTick(this.flushHeld);
      process.once('exit', this.flushHeld);
    }
    this.held += `${text}\n`;
    // A turn that runs many tasks (controller-side ones need no answer from a host) writes as it goes.
    if (this.held.length >= TURN_WRITE_LIMIT) this.flush();
  }

  flush(): void {
    if (this.held === '') return;
    process.removeListener('exit', this.flushHeld);
    const text = this.held;
    this.held = '';
    this.out.write(text);
  }
}
