import { posix } from 'node:path';
import { applyRegularFile, planRegularFile, type FilePlan, fileMetadataArgs } from './file-state.js';
import { contentOrPending, fileReadRequests, generateRsaPrivateKeyPem, planGeneratedFile, publicKeyPemOf, readHostFile } from './pki-util.js';
import { pathFact } from '../facts/path.js';
import type { ApplyContext, CheckResult, FileDiff, ModuleDefinition, PathState } from './types.js';

interface PrivateKeyArgs {
  path: string;
  size: number;
  mode: string;
  owner?: string;
  group?: string;
  force: boolean;
  public_key_path?: string;
  public_key_mode: string;
}

interface PartPlan extends FilePlan {
  changed: boolean;
  /** The content is made at apply: a new key, or the public half of a key not readable at check. */
  generate: boolean;
}

interface PrivateKeyPlan {
  key: PartPlan;
  publicKey?: PartPlan;
  /** Read by the engine after apply: later tasks (certificate) read the new key from memory, not the host. */
  contents: Map<string, Buffer>;
}

/**
 * An RSA private key on the host, generated once (never replaced unless `force`), and
 * optionally its PEM public key beside it (the service-account pair). The key exists only in
 * this process's memory and on the host; diffs and messages carry metadata only.
 */
export const privateKey: ModuleDefinition<PrivateKeyArgs, PrivateKeyPlan> = {
  name: 'private_key',
  aliases: ['openssl_privatekey'],
  description: 'An RSA private key generated on first run (and its public key), never replaced unless forced.',
  example: `- name: Service account key
  private_key:
    path: /etc/kubernetes/pki/sa.key
    size: 2048
    public_key_path: /etc/kubernetes/pki/sa.pub
`,
  args: {
    path: { type: 'path', absolute: true, required: true },
    size: { type: 'int', default: 2048 },
    ...fileMetadataArgs('0600'),
    force: { type: 'bool', default: false, description: 'Generate a new key on every run, replacing the existing one.' },
    public_key_path: { type: 'path', absolute: true },
    public_key_mode: { type: 'mode', default: '0644' },
  },
  validate: (args) =>
    typeof args.size === 'number' && (args.size < 1024 || args.size > 16384)
      ? `size ${args.size} is out of range (1024..16384)`
      : args.public_key_path !== undefined && args.public_key_path === args.path
        ? "'public_key_path' must differ from 'path'"
        : undefined,
  // The key is read (for its public half) only when a public key path is asked for.
  prefetch: (args) => [...(args.public_key_path ? [...fileReadRequests(args.path), pathFact(args.public_key_path), pathFact(posix.dirname(args.public_key_path))] : [pathFact(args.path)]), pathFact(posix.dirname(args.path))],
  async check(args, ctx) {
    const contents = new Map<string, Buffer>();
    const current = await ctx.facts.path(args.path);
    const generate = !current.exists || args.force;
    const meta = { path: args.path, mode: args.mode, owner: args.owner, group: args.group };
    const verb = ctx.dryRun ? 'would generate' : 'generate';
    const keyCheck = generate
      ? await planGeneratedFile(meta, ctx, `${verb} RSA ${args.size} key${current.exists ? ' (force: replaces the existing key)' : ''}`, true)
      : await planRegularFile(meta, { ...ctx, noLog: true }); // metadata only: the content is never compared or shown
    const key = part(keyCheck, generate, contents);

    let publicCheck: CheckResult<FilePlan> | undefined;
    let publicKey: PartPlan | undefined;
    if (args.public_key_path) {
      const pubMeta = { path: args.public_key_path, mode: args.public_key_mode, owner: args.owner, group: args.group };
      const keyPem = generate ? undefined : contentOrPending(await readHostFile(ctx.facts, args.path), 'private key', ctx.user, ctx.dryRun);
      publicCheck = keyPem
        ? await planRegularFile({ ...pubMeta, content: publicKeyPemOf(keyPem, args.path) }, ctx)
        : await planGeneratedFile(pubMeta, ctx, `${ctx.dryRun ? 'would write' : 'write'} public key ${args.public_key_path}`, false);
      publicKey = part(publicCheck, keyPem === undefined, contents);
    }

    const checks = [keyCheck, publicCheck].filter((c): c is CheckResult<FilePlan> => c !== undefined && c.changed);
    const messages = checks.map((c) => (c === publicCheck && !publicKey!.generate ? `${args.public_key_path}: ${c.message}` : c.message));
    return {
      changed: checks.length > 0,
      message: messages.join('; ') || undefined,
      diff: checks.flatMap((c): FileDiff[] => c.diff ?? []),
      predicted: checks.flatMap((c): PathState[] => c.predicted ?? []),
      result: { path: args.path, size: args.size, mode: keyCheck.result?.mode, owner: keyCheck.result?.owner, group: keyCheck.result?.group, public_key_path: args.public_key_path },
      data: { key, publicKey, contents },
    };
  },
  async apply(args, check, ctx) {
    const { key, publicKey, contents } = check.data!;
    let keyPem: Buffer | undefined;
    if (key.generate) {
      keyPem = generateRsaPrivateKeyPem(args.size);
      fill(key, args.path, keyPem, contents);
    }
    if (key.changed) applyRegularFile(key, ctx);
    if (publicKey?.changed) {
      if (publicKey.generate) fill(publicKey, args.public_key_path!, publicKeyPemOf(keyPem ?? (await readKey(args, ctx)), args.path), contents);
      applyRegularFile(publicKey, ctx);
    }
    return { changed: true };
  },
};

function part(check: CheckResult<FilePlan>, generate: boolean, contents: Map<string, Buffer>): PartPlan {
  for (const [path, content] of check.data!.contents) contents.set(path, content);
  return { ...check.data!, contents, changed: check.changed, generate };
}

function fill(plan: PartPlan, path: string, content: Buffer, contents: Map<string, Buffer>): void {
  plan.desired.content = content;
  contents.set(path, content);
}

async function readKey(args: PrivateKeyArgs, ctx: ApplyContext): Promise<Buffer> {
  return contentOrPending(await readHostFile(ctx.facts, args.path), 'private key', ctx.user, false)!;
}
