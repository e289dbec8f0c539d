import { applyRegularFile, writeFacts, isSecretMode, planRegularFile, type FilePlan, fileMetadataArgs } from './file-state.js';
import { contentOrPending, readHostFile } from './pki-util.js';
import type { ModuleContext, ModuleDefinition } from './types.js';

interface CopyFromHostArgs {
  from_host: string;
  src: string;
  dest?: string;
  mode?: string;
  owner?: string;
  group?: string;
}

interface CopyFromHostPlan extends FilePlan {
  /** Dry-run only: the source is created earlier in this run, its content is not known yet. */
  sourcePending: boolean;
}

/**
 * A file copied byte for byte from another inventory host (the PKI from master01 to the other
 * masters), with the source's owner and mode unless told otherwise. The content is relayed
 * through runbook's memory over the two SSH connections it already has: the hosts never talk
 * to each other and the content never touches the controller's disk.
 */
export const copyFromHost: ModuleDefinition<CopyFromHostArgs, CopyFromHostPlan> = {
  name: 'copy_from_host',
  description: "A file copied from another inventory host, with the source's owner and mode, relayed through runbook's memory.",
  example: `- name: CA certificate from the first master
  copy_from_host:
    from_host: master01
    src: /etc/kubernetes/pki/ca.crt
    dest: /etc/kubernetes/pki/ca.crt
`,
  args: {
    from_host: { type: 'str', required: true },
    src: { type: 'path', absolute: true, required: true },
    dest: { type: 'path', absolute: true },
    ...fileMetadataArgs(),
  },
  prefetch: (args) => writeFacts(args.dest ?? args.src, args),
  async check(args, ctx) {
    const dest = args.dest ?? args.src;
    const source = await readHostFile(sourceFacts(args.from_host, ctx), args.src);
    if (!source.state.exists) {
      throw new Error(`${args.src} does not exist on ${args.from_host} (and no earlier task of this run creates it)`);
    }
    const content = contentOrPending(source, 'source file', ctx.user, ctx.dryRun, args.from_host);
    const desired = {
      path: dest,
      content,
      mode: args.mode ?? source.state.mode,
      owner: args.owner ?? source.state.owner,
      group: args.group ?? source.state.group,
    };
    // A key readable by root alone stays secret in diffs even if dest's mode says otherwise.
    const secret = ctx.noLog || isSecretMode(source.state.mode);
    const plan = await planRegularFile(desired, { ...ctx, noLog: secret });
    if (content === undefined) {
      // Dry-run: the source will exist (an earlier task predicts it); its bytes are not known yet.
      return {
        ...plan,
        changed: true,
        message: `would copy ${args.from_host}:${args.src} (written earlier in this run)`,
        predicted: [{ path: dest, exists: true, type: 'file', mode: plan.result?.mode as string, owner: plan.result?.owner as string, group: plan.result?.group as string }],
        data: { ...plan.data!, writeContent: true, sourcePending: true },
      };
    }
    const origin = `${args.from_host}:${args.src}`;
    return {
      ...plan,
      message: plan.changed ? `from ${origin}: ${plan.message}` : undefined,
      result: { ...plan.result, from_host: args.from_host, src: args.src },
      data: { ...plan.data!, sourcePending: false },
    };
  },
  async apply(args, check, ctx) {
    const plan = check.data!;
    if (plan.sourcePending) {
      // Reached only when a dry-run task forces a real run (check_mode: false): read the source now.
      const source = await readHostFile(sourceFacts(args.from_host, ctx), args.src);
      const content = contentOrPending(source, 'source file', ctx.user, false, args.from_host)!;
      plan.desired.content = content;
      plan.contents.set(plan.desired.path, content);
    }
    applyRegularFile(plan, ctx);
    return { changed: true };
  },
};

function sourceFacts(host: string, ctx: ModuleContext) {
  const hostvars = ctx.vars.hostvars;
  if (hostvars && typeof hostvars === 'object' && !(host in hostvars)) {
    throw new Error(`from_host '${host}' is not in the inventory`);
  }
  return ctx.factsOf(host);
}
