import type * as ReadlineModule from 'node:readline';
import { lazyModule } from '../util/lazy-module.js';

/** readline loads when a visible prompt is first asked (few runs ask). */
const readline = lazyModule<typeof ReadlineModule>('node:readline');

/**
 * Reads a line from the terminal without echoing it: vault passwords, -K, key passphrases.
 * Ctrl-C rejects; backspace edits. Only called when stdin is a terminal.
 */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    let answer = '';
    const wasRaw = input.isRaw;
    // Echo off before the question shows: what is typed after it must never reach the screen.
    input.setRawMode?.(true);
    input.resume();
    process.stderr.write(question);
    input.setEncoding('utf8');
    const done = (error?: Error) => {
      input.setRawMode?.(wasRaw);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error(`${question.replace(/:\s*$/, '')}: interrupted`));
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    input.on('data', onData);
  });
}

/** A private key's passphrase, asked on the terminal (ssh's own words). */
export function askPassphrase(file: string): Promise<string> {
  return promptHidden(`Enter passphrase for ${file}: `);
}

/** Reads a line from the terminal with echo (vars_prompt with private: false). */
export async function promptVisible(question: string): Promise<string> {
  const { createInterface } = readline();
  const reader = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      reader.once('SIGINT', () => reject(new Error(`${question.replace(/:\s*$/, '')}: interrupted`)));
      reader.question(question, resolve);
    });
  } finally {
    reader.close();
  }
}
