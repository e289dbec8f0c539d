import assert from 'node:assert/strict';
import type { ApplyArgs } from '../../lib/cli/apply.js';
import { cliParser } from '../../lib/cli/main.js';
import { APPLY_OPTIONS, CONNECTION_OPTIONS, VAULT_OPTIONS } from '../../lib/cli/options.js';
import { simpleApplyArgs } from '../../lib/cli/simple-args.js';

/**
 * `runbook apply` reads a plain command line without yargs (lib/cli/simple-args.ts): whatever it
 * reads must be exactly what yargs reads, and whatever it is unsure of it must leave to yargs.
 */
const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const KEYS = [...Object.keys({ ...VAULT_OPTIONS, ...CONNECTION_OPTIONS, ...APPLY_OPTIONS }).map(camelCase), 'files'];

/** yargs' reading of argv for apply (its handler replaced), reduced to the keys apply reads; or the error yargs gives. */
async function yargsReading(argv: string[]): Promise<Record<string, unknown> | { error: string }> {
  let read: ApplyArgs | undefined;
  try {
    const { parser } = await cliParser(argv, async (args) => {
      read = args;
      return 0;
    });
    await parser.parseAsync();
  } catch (error) {
    return { error: (error as Error).message };
  }
  assert.ok(read, `yargs ran no apply for ${JSON.stringify(argv)}`);
  return project(read as unknown as Record<string, unknown>);
}

function project(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(KEYS.filter((key) => args[key] !== undefined).map((key) => [key, args[key]]));
}

/** A deterministic pseudo-random source (the corpus is the same every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const WORDS = [
  'inventory.yaml', 'site.yml', 'web', 'a=1', '@vars.yaml', '{"x":1}', '5', '0', '1.5', '-1', 'true', 'false', '', ' ', 'tty', 'plain', 'json', 'bogus',
  'linear', 'free', '2/4', 'x,y', '--check', '--dry-run', '-C', '-D', '--diff', '-v', '-vv', '-vvv', '--verbose', '-i', '--inventory', '--inventory-file',
  '-l', '--limit', '-e', '--extra-vars', '-t', '--tags', '--skip-tags', '-o', '--output', '--no-color', '--color', '--no-diff', '--no-limit', '-u', '--user',
  '--private-key', '--key-file', '-b', '--become', '-K', '--become-user', '-T', '--timeout', '--connect-timeout', '--task-timeout', '--forks', '-f',
  '--known-hosts', '--accept-new-host-keys', '--strategy', '--shard', '--shard-by', '--workers', '--list-hosts', '--list-tasks', '--list-tags',
  '--syntax-check', '--start-at-task', '--flush-cache', '-J', '--ask-vault-pass', '--vault-id', '--vault-password-file', '--vault-pass-file',
  '--keepalive', '--fact-timeout', '-c', '--connection', '--become-method', '--become-password-file', '--', '-', '--help', '-h', '--version',
  '--check=true', '-CD', '-ifile', '--bogus', '--tags=a', '-vx', '--Check', '--extra-vars.x', '0x10', '1e3',
];

describe('apply arguments read without yargs', function () {
  this.timeout(120_000);

  it('reads the common command lines as yargs does', async () => {
    const lines = [
      ['apply', 'inventory.yaml'],
      ['apply', 'inventory.yaml', 'site.yml', 'more.yml'],
      ['apply', '-i', 'inventory.yaml', 'site.yml', '-C', '-D', '-vvv', '-u', 'deploy', '--private-key', 'key', '-b', '-K'],
      ['apply', 'inventory.yaml', '--check', '--diff', '--tags', 'a,b', '--tags', 'c', '--skip-tags', 'd', '-e', 'x=1', '-e', '@vars.yaml', '--limit', 'web*'],
      ['apply', 'inventory.yaml', '--output', 'json', '--no-color', '--forks', '5', '--task-timeout', '2.5', '--strategy', 'free', '--workers', '2'],
      ['apply', 'inventory.yaml', '-o', 'plain', '--known-hosts', 'kh', '--accept-new-host-keys', '--connect-timeout', '3', '--keepalive', '4', '--fact-timeout', '9'],
      ['apply', '-i', 'a', '-i', 'b', '--inventory-file', 'c', 'site.yml', '--vault-id', 'dev@file', '--vault-password-file', 'pw', '-J', '-v', '-v', '--verbose'],
      ['apply', 'inventory.yaml', '--list-hosts', '--list-tasks', '--list-tags', '--syntax-check', '--start-at-task', 'Install*', '--shard', '1/2', '--shard-by', 'web'],
    ];
    for (const argv of lines) {
      const simple = simpleApplyArgs(argv);
      assert.ok(simple, `not read: ${JSON.stringify(argv)}`);
      assert.deepEqual(project(simple as unknown as Record<string, unknown>), await yargsReading(argv), JSON.stringify(argv));
    }
  });

  it('leaves to yargs what it is unsure of, and agrees with yargs on 3,000 random command lines', async () => {
    for (const argv of [['apply', '--check=true'], ['apply', '-CD'], ['apply', '--', 'x'], ['apply', 'x', '--help'], ['apply', '-o', 'bogus'], ['apply', '--diff', 'true'], ['apply', '--limit', 'a', '--limit', 'b'], ['apply', '-e', '-x'], ['apply', '5'], ['run', 'all'], ['apply', 'x', '--bogus']]) {
      assert.equal(simpleApplyArgs(argv), undefined, JSON.stringify(argv));
    }
    const next = random(13);
    let read = 0;
    for (let n = 0; n < 3000; n++) {
      const argv = ['apply', ...Array.from({ length: Math.floor(next() * 7) }, () => WORDS[Math.floor(next() * WORDS.length)])];
      const simple = simpleApplyArgs(argv);
      if (!simple) continue;
      read++;
      assert.deepEqual(project(simple as unknown as Record<string, unknown>), await yargsReading(argv), JSON.stringify(argv));
    }
    // The corpus exercises the fast reading, not only the fallback.
    assert.ok(read > 500, `only ${read} of 3000 read without yargs`);
  });
});
