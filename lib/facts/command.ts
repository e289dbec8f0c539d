import { shellCommand } from '../util/shell.js';
import type { FactKind, FactRequest } from './kind.js';

/** What a read-only command answered: its exit status is part of the answer. */
export interface CommandAnswer {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

/**
 * A read-only program a check consults (`kubectl get namespace x`), run in the probe with its
 * arguments quoted by the kind: modules give argv, never shell text. Its exit status and
 * stderr are the module's to judge (kubectl's NotFound is an answer); only a missing answer
 * from the probe is an error. Do not ask for anything that changes the host.
 */
export const commandKind: FactKind<string[], CommandAnswer> = {
  name: 'command',
  key: (argv) => JSON.stringify(argv),
  sections: (commands) => commands.map((argv) => ({ tool: argv[0], script: shellCommand(argv) })),
  parse: (outputs) => outputs.map(({ code, stdout, stderr }) => ({ code, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) })),
};

export function commandFact(argv: string[]): FactRequest<CommandAnswer> {
  if (argv.length === 0) throw new Error('a command fact needs a program');
  return { kind: commandKind, param: argv };
}
