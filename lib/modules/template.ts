import { createHash, type Hash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { resolveSourceFile, sourceFileCandidates } from '../playbook/files.js';
import type { ContentSource } from '../transport/types.js';
import { STREAM_THRESHOLD } from './copy.js';
import { applyRegularFile, writeFacts, planRegularFile, type FilePlan, fileMetadataArgs, validateArgError, writeSafetyArgs } from './file-state.js';
import type { ModuleContext, ModuleDefinition } from './types.js';

interface TemplateArgs {
  src: string;
  dest: string;
  mode?: string;
  owner?: string;
  group?: string;
  force: boolean;
  backup: boolean;
  validate?: string;
}

export const template: ModuleDefinition<TemplateArgs, FilePlan> = {
  name: 'template',
  description: 'A file rendered from a Jinja2 template in templates/, with owner and mode.',
  example: `- name: Application config
  template:
    src: app.conf.j2
    dest: /etc/app.conf
    mode: '0640'
`,
  args: {
    src: { type: 'path', required: true },
    dest: { type: 'path', absolute: true, required: true },
    ...fileMetadataArgs(),
    force: { type: 'bool', default: true, description: 'false: write only when dest does not exist yet' },
    ...writeSafetyArgs(),
  },
  validate: (args) => validateArgError(args.validate),
  prefetch: (args) => writeFacts(args.dest, args),
  preflight(args, ctx) {
    renderPieces(args.src, ctx);
  },
  async check(args, ctx) {
    if (!args.force && (await ctx.facts.path(args.dest)).exists) return { changed: false, result: { msg: 'file already exists', dest: args.dest, changed: false } };
    const rendered = encoded(renderPieces(args.src, ctx));
    return planRegularFile({ path: args.dest, ...rendered, mode: args.mode, owner: args.owner, group: args.group, backup: args.backup, validate: args.validate }, ctx);
  },
  async apply(_args, check, ctx) {
    applyRegularFile(check.data!, ctx);
    return { changed: true };
  },
};

function renderPieces(src: string, ctx: Pick<ModuleContext, 'baseDir' | 'render' | 'renderFile'>): string[] {
  const text = readTemplate(src, ctx.baseDir);
  return ctx.renderFile ? ctx.renderFile(text, `template ${src}`) : [ctx.render(text, `template ${src}`)];
}

/**
 * The rendered file as bytes: one Buffer when small (diffs show it); when big, a stream that
 * encodes the pieces again as the write reads them. The pieces are V8 ropes over the compiled
 * template's literal text (renderTemplateFilePieces), a few bytes per piece until read, so
 * every host's file costs next to nothing until it is written.
 */
function encoded(pieces: string[]): { content: Buffer } | { source: ContentSource } {
  // Hashed here only when big: a small file's checksum is taken by planRegularFile from its bytes.
  let hash: Hash | undefined;
  let small: Buffer[] | undefined = [];
  let size = 0;
  for (const chunk of encode(pieces)) {
    size += chunk.length;
    if (small && size > STREAM_THRESHOLD) {
      hash = createHash('sha256');
      for (const earlier of small) hash.update(earlier);
      small = undefined;
    }
    if (hash) hash.update(chunk);
    else small!.push(chunk);
  }
  if (small) return { content: small.length === 1 ? small[0] : Buffer.concat(small, size) };
  return { source: { size, sha256: hash!.digest('hex'), open: () => Readable.from(encode(pieces), { objectMode: false }) } };
}

/**
 * UTF-8 of the pieces, a slice at a time. Each slice is encoded from a new rope (`${part}\n`,
 * the newline cut off again): encoding a rope makes V8 flatten it in place, and the piece
 * itself must stay a rope, or it would hold its own copy of the text from then on.
 */
function* encode(pieces: string[]): Generator<Buffer> {
  for (const piece of pieces) for (const part of slices(piece)) yield Buffer.from(`${part}\n`).subarray(0, -1);
}

/** A piece cut into slices V8's young generation holds (a template without markup is one big piece), never inside a surrogate pair. */
function* slices(piece: string): Generator<string> {
  const most = 64 * 1024;
  if (piece.length <= most) {
    yield piece;
    return;
  }
  for (let at = 0; at < piece.length; ) {
    let end = Math.min(at + most, piece.length);
    const last = piece.charCodeAt(end - 1);
    if (end < piece.length && last >= 0xd800 && last <= 0xdbff) end++;
    yield piece.slice(at, end);
    at = end;
  }
}

/**
 * The template's text. Read once while the file stays the same, for every host: the text is
 * also the key of its compiled form, so a big template is held once, not once per host.
 */
const texts = new Map<string, { mtimeMs: number; size: number; text: string }>();
/** Where each template was found: the first place Ansible looks, while it is still there (a stat per host instead of a search). */
const found = new Map<string, string>();
function readTemplate(src: string, baseDir: string): string {
  const where = `${baseDir}\0${src}`;
  let file = found.get(where);
  let stat = file === undefined ? undefined : statSync(file, { throwIfNoEntry: false });
  if (!stat) {
    file = resolveSourceFile(baseDir, 'template', src);
    if (!file) throw new Error(`template '${src}' not found in ${baseDir}/templates or ${baseDir}`);
    stat = statSync(file);
    // Only the first candidate can be remembered: a file appearing there later would win over another.
    if (file === sourceFileCandidates(baseDir, 'template', src)[0]) found.set(where, file);
  }
  const { mtimeMs, size } = stat;
  let read = texts.get(file!);
  if (read?.mtimeMs !== mtimeMs || read.size !== size) {
    if (texts.size >= 256) texts.clear(); // bounded; templates of one run are far fewer
    texts.set(file!, (read = { mtimeMs, size, text: readFileSync(file!, 'utf8') }));
  }
  return read.text;
}
