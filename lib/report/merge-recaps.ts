import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { HostRecap } from '../engine/events.js';
import { exitCodeFor } from '../engine/exit-code.js';
import type { RecapEvent } from './types.js';

/**
 * `runbook recap FILE...`: the recaps of sharded runs (`--shard I/N --output json`, one JSON
 * Lines file per shard) merged into one, with the exit code the whole run would have had.
 * A shard that died before its recap, or a host in two shards, is an error: a merged recap
 * that silently missed hosts would report success for work that never ran.
 */
export function mergeRecapFiles(files: string[]): { recap: RecapEvent; exitCode: number } {
  if (files.length === 0) throw new InputError('runbook recap: name the JSON output of each shard (runbook recap shard-1.json shard-2.json ...)');
  const hosts: Record<string, HostRecap> = {};
  const transport: RecapEvent['transport'] = {};
  const origin = new Map<string, string>();
  let durationMs = 0;
  for (const file of files) {
    const recap = lastRecap(file);
    for (const [name, host] of Object.entries(recap.hosts)) {
      const seen = origin.get(name);
      if (seen) throw new InputError(`runbook recap: host ${name} is in both ${seen} and ${file}; shards must not overlap`);
      origin.set(name, file);
      hosts[name] = host;
      if (recap.transport[name]) transport[name] = recap.transport[name];
    }
    // Shards run side by side: the whole run took as long as the slowest.
    durationMs = Math.max(durationMs, recap.durationMs);
  }
  return { recap: { type: 'recap', hosts, transport, durationMs }, exitCode: exitCodeFor(hosts) };
}

function lastRecap(file: string): RecapEvent {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`runbook recap: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith('{')) continue;
    let event: unknown;
    try {
      event = JSON.parse(lines[i]);
    } catch {
      throw new InputError(`runbook recap: ${file}:${i + 1} is not JSON (was it written with --output json?)`);
    }
    if ((event as { type?: string }).type === 'recap') return event as RecapEvent;
    break;
  }
  throw new InputError(`runbook recap: ${file} ends without a recap (the shard did not finish, or ran without --output json)`);
}
