import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { FileDiff, FileSnapshot } from '../modules/types.js';
import { NO_COLOR, type Palette } from './ansi.js';

const CHECKSUM_PREFIX_LENGTH = 12;

/**
 * Human-readable form of one file change: a unified diff of the content, then one
 * `attribute: before → after` line per changed attribute. Secret files never show
 * content, only checksum prefixes, whatever the snapshot happens to carry.
 */
export function formatDiff(diff: FileDiff, palette: Palette = NO_COLOR): string {
  const lines: string[] = [];
  const { before, after } = diff;

  const beforeState = describeState(before);
  const afterState = describeState(after);
  if (beforeState !== afterState) lines.push(attributeLine('state', beforeState, afterState));

  lines.push(...contentLines(diff, palette));

  for (const key of ['mode', 'owner', 'group'] as const) {
    const from = before[key];
    const to = after[key];
    // An attribute known on one side only is a creation or removal, which `state` already says.
    if (from !== undefined && to !== undefined && from !== to) lines.push(attributeLine(key, from, to));
  }

  const header = palette.paint('bold', `diff ${diff.path}${diff.secret ? ' (secret)' : ''}`);
  return [header, ...lines.map((line) => `  ${line}`)].join('\n');
}

function describeState(snapshot: FileSnapshot): string {
  if (!snapshot.exists) return 'absent';
  return snapshot.type ?? 'present';
}

function attributeLine(name: string, from: string, to: string): string {
  return `${name}: ${from} → ${to}`;
}

function contentLines(diff: FileDiff, palette: Palette): string[] {
  const { before, after } = diff;
  const beforeText = before.exists ? before.content : '';
  const afterText = after.exists ? after.content : '';
  const textKnownOnBothSides = !diff.secret && beforeText !== undefined && afterText !== undefined;

  if (textKnownOnBothSides) {
    if (beforeText === afterText) return [];
    const patch = createTwoFilesPatch(
      before.exists ? diff.path : '/dev/null',
      after.exists ? diff.path : '/dev/null',
      beforeText,
      afterText,
      'before',
      'after',
      { headerOptions: FILE_HEADERS_ONLY },
    );
    return patch
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => colorPatchLine(line, palette));
  }

  // Secrets and binary files: checksums are all we may (or can) show.
  const from = before.exists ? before.sha256 : undefined;
  const to = after.exists ? after.sha256 : undefined;
  if (from === to) return [];
  return [attributeLine('content', shortChecksum(from), shortChecksum(to))];
}

function shortChecksum(sha256: string | undefined): string {
  if (sha256 === undefined) return '(none)';
  return sha256.length > CHECKSUM_PREFIX_LENGTH ? `sha256:${sha256.slice(0, CHECKSUM_PREFIX_LENGTH)}…` : `sha256:${sha256}`;
}

function colorPatchLine(line: string, palette: Palette): string {
  if (line.startsWith('+++') || line.startsWith('---')) return palette.paint('bold', line);
  if (line.startsWith('+')) return palette.paint('green', line);
  if (line.startsWith('-')) return palette.paint('red', line);
  if (line.startsWith('@@')) return palette.paint('cyan', line);
  return line;
}

/** The FileDiff as machine-readable data; content of secret files removed even if a module leaked it. */
export function diffForJson(diff: FileDiff): FileDiff {
  if (!diff.secret) return diff;
  const withoutContent = (snapshot: FileSnapshot): FileSnapshot => {
    const { content: _dropped, ...rest } = snapshot;
    return rest;
  };
  return { ...diff, before: withoutContent(diff.before), after: withoutContent(diff.after) };
}
