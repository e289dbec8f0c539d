import { applyRegularFile, writeFacts, isSecretMode, planRegularFile, type FilePlan, fileMetadataArgs } from './file-state.js';
import { contentOrPending, readHostFile } from './pki-util.js';
import type { ContentSource } from '../transport/types.js';
import { STREAM_THRESHOLD } from './copy.js';
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
  /** The source streamed from its host at apply (known by size and checksum). */
  relay?: RelaySource;
}

/** Up to this size, --diff reads the source to show its content (Ansible's max_diff_size is 104448). */
const DIFF_LIMIT = 104_448;

/** The source file as a stream from its host, opened once apply has that host's transport. */
interface RelaySource extends ContentSource {
  bind(open: () => NodeJS.ReadableStream): void;
}

function relaySource(size: number, sha256: string): RelaySource {
  let opener: (() => NodeJS.ReadableStream) | undefined;
  return {
    size,
    sha256,
    bind: (open) => (opener = open),
    open: () => {
      if (!opener) throw new Error('copy_from_host: the source was not opened');
      return opener();
    },
  };
}

/**
 * A file copied byte for byte from another inventory host (the PKI from master01 to the other
 * masters), with the source's owner and mode unless told otherwise. The content is relayed
 * over the two SSH connections runbook already has, streamed with backpressure (the source's
 * checksum from the probe decides whether to copy, and the destination checks it before the
 * rename): the hosts never talk to each other, the content never touches the controller's disk,
 * and controller memory stays bounded whatever the file's size.
 */
export const copyFromHost: ModuleDefinition<CopyFromHostArgs, CopyFromHostPlan> = {
  name: 'copy_from_host',
  description: "A file copied from another inventory host, with the source's owner and mode, streamed through runbook (never stored on the controller).",
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
    const facts = sourceFacts(args.from_host, ctx);
    const state = await facts.path(args.src);
    if (state.exists && state.type !== 'file') throw new Error(`${args.src} exists and is a ${state.type}, not a regular file`);
    // The source's checksum decides: a no-op reads no content at all. Its bytes are read at apply
    // (see there); --diff reads a small file's now to show it.
    if (state.exists && state.sha256 !== undefined && state.size !== undefined && !(ctx.diff && state.size <= DIFF_LIMIT)) {
      const relay = relaySource(state.size, state.sha256);
      const desired = { path: dest, source: relay, mode: args.mode ?? state.mode, owner: args.owner ?? state.owner, group: args.group ?? state.group };
      // A key readable by root alone stays secret in diffs even if dest's mode says otherwise.
      const plan = await planRegularFile(desired, { ...ctx, noLog: ctx.noLog || isSecretMode(state.mode) });
      const origin = `${args.from_host}:${args.src}`;
      return {
        ...plan,
        message: plan.changed ? `from ${origin}: ${plan.message}` : undefined,
        result: { ...plan.result, from_host: args.from_host, src: args.src },
        data: { ...plan.data!, sourcePending: false, relay },
      };
    }
    const source = await readHostFile(facts, args.src);
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
    if (plan.relay && plan.relay.size <= STREAM_THRESHOLD) {
      // A small file is read once through the source host's probe and shared by every destination.
      const source = await readHostFile(sourceFacts(args.from_host, ctx), args.src);
      const content = contentOrPending(source, 'source file', ctx.user, false, args.from_host)!;
      plan.desired = { ...plan.desired, content, source: undefined };
      plan.contents.set(plan.desired.path, content);
    } else if (plan.relay) {
      // A big one is streamed from its host to each destination; changes queued on the source
      // host (an earlier task wrote src) are made before it is read.
      const from = ctx.transportOf(args.from_host);
      await from.flush();
      plan.relay.bind(() => from.streamFile(args.src, ctx.privilege));
    }
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
