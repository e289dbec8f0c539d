import type { Options } from 'yargs';
import type { ApplyArgs } from './apply.js';
import { APPLY_OPTIONS, CONNECTION_OPTIONS, VAULT_OPTIONS } from './options.js';

/**
 * `runbook apply`'s arguments read without yargs, for the command lines most runs have: the
 * inventory and playbooks, and flags each written on its own (`--check`, `-v`, `-vvv`, `--limit
 * web`, `-e k=v`, `--no-color`). Anything else (`--name=value`, `-CD`, `--`, a value starting with
 * `-`, a flag given twice, an unknown flag, `--help`, a bad choice, a number-like positional) is
 * yargs' to read: then this returns undefined. Built from the tables yargs is built from
 * (options.ts), and compared with yargs' reading in test/unit/simple-args.test.ts: building yargs'
 * parser is a sizeable part of the way to the first connection.
 */
export function simpleApplyArgs(argv: readonly string[]): ApplyArgs | undefined {
  if (argv[0] !== 'apply') return undefined;
  const args: Record<string, unknown> = {};
  const given = new Set<string>();
  const files: string[] = [];
  for (const [key, spec] of FLAGS.values()) {
    // yargs' defaults; a count flag (-v) is 0 unless given.
    if (spec.default !== undefined) args[key] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    else if (spec.type === 'count') args[key] = 0;
  }
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith('-')) {
      if (NUMBER_LIKE.test(token.trim()) || token.trim() === '') return undefined;
      files.push(token);
      continue;
    }
    if (/^-v+$/.test(token)) {
      if (isBooleanWord(argv[i + 1])) return undefined;
      args.verbose = (args.verbose as number) + token.length - 1;
      continue;
    }
    const negated = token.startsWith('--no-') ? FLAGS.get(`--${token.slice(5)}`) : undefined;
    if (negated) {
      const [key, spec] = negated;
      if (spec.type !== 'boolean' || given.has(key) || isBooleanWord(argv[i + 1])) return undefined;
      given.add(key);
      args[key] = false;
      continue;
    }
    const flag = FLAGS.get(token);
    if (!flag) return undefined;
    const [key, spec] = flag;
    if (spec.type === 'count') {
      if (isBooleanWord(argv[i + 1])) return undefined;
      args[key] = (args[key] as number) + 1;
      continue;
    }
    if (spec.type === 'boolean') {
      if (given.has(key) || isBooleanWord(argv[i + 1])) return undefined;
      given.add(key);
      args[key] = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('-') || (spec.array && spec.nargs !== 1) || (!spec.array && given.has(key))) return undefined;
    i++;
    if (spec.choices && !(spec.choices as readonly unknown[]).includes(value)) return undefined;
    let read: string | number = value;
    if (spec.type === 'number') {
      if (!/^\d+(\.\d+)?$/.test(value)) return undefined;
      read = Number(value);
    } else if (spec.type !== 'string' && !spec.choices) return undefined;
    if (spec.array) args[key] = given.has(key) ? [...(args[key] as unknown[]), read] : [read];
    else args[key] = read;
    given.add(key);
  }
  args.files = files;
  return args as unknown as ApplyArgs;
}

/** yargs reads `true`/`false` after a boolean or count flag as its value. */
function isBooleanWord(token: string | undefined): boolean {
  return token === 'true' || token === 'false';
}

/** yargs reads a number-like word as a number before it becomes a string positional: left to it. */
const NUMBER_LIKE = /^(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|0x[0-9a-f]+)$/i;

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every way apply's flags can be written (`--dry-run`, `--check`, `-C`) → its argument key and spec. */
const FLAGS = new Map<string, [string, Options]>(
  Object.entries({ ...VAULT_OPTIONS, ...CONNECTION_OPTIONS, ...APPLY_OPTIONS } as Record<string, Options>).flatMap(([name, spec]) => {
    const aliases = spec.alias === undefined ? [] : Array.isArray(spec.alias) ? spec.alias : [spec.alias];
    return [name, ...aliases].map((written) => [written.length === 1 ? `-${written}` : `--${written}`, [camelCase(name), spec]] as [string, [string, Options]]);
  }),
);
