import { InputError } from '../errors.js';

/**
 * Reads one line from the terminal without echoing it (a password). Refuses when stdin is not
 * a terminal: a password must never come from a pipe the user did not mean for it.
 */
export function promptHidden(question: string, flag: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new InputError(`${flag} asks for the password on a terminal, and stdin is not one (use --become-password-file)`));
  return new Promise((resolve, reject) => {
    // Echo off before the question shows: what is typed after it must never reach the screen.
    stdin.setRawMode(true);
    stdin.resume();
    process.stderr.write(question);
    let answer = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new InputError('interrupted at the password prompt'));
        if (char === '\u007f' || char === '\b') answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.on('data', onData);
  });
}
