import { mergeRecapFiles } from '../report/merge-recaps.js';
import { formatRecapTable } from '../report/recap.js';

/** `runbook recap FILE...`: one recap and one exit code for the shards of a run. */
export function recapCommand(files: string[], output: 'plain' | 'json'): number {
  const { recap, exitCode } = mergeRecapFiles(files);
  process.stdout.write(output === 'json' ? `${JSON.stringify(recap)}\n` : `${formatRecapTable(recap)}\n`);
  return exitCode;
}
