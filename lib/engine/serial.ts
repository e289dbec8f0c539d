import { InputError } from '../errors.js';
import { batchSize } from '../playbook/load.js';
import type { PlaySpec } from '../playbook/types.js';
import { renderValue } from '../template/index.js';

/**
 * The play's hosts in serial batches, as Ansible's _get_serialized_batches: each entry of the
 * list is one batch's size (a count, or a percentage of all the play's hosts rounded down, at
 * least one), the last entry repeating until every host had its batch.
 */
export function serialBatches(play: PlaySpec, hosts: string[], extraVars: Record<string, unknown>): string[][] {
  if (play.serial === undefined || hosts.length === 0) return [hosts];
  const origin = { what: `serial of play '${play.name}'`, location: play.location };
  const rendered = typeof play.serial === 'string' ? renderValue(play.serial, { ...play.vars, ...extraVars }, origin) : play.serial;
  const sizes = (Array.isArray(rendered) ? rendered : [rendered]).map((entry) => {
    const size = batchSize(typeof entry === 'string' && /^\s*-?\d+\s*$/.test(entry) ? Number(entry) : entry, play.location);
    if (typeof size === 'string' && !size.endsWith('%')) throw new InputError(`serial entry ${JSON.stringify(entry)} must render to a number or a percentage`, play.location);
    return typeof size === 'number' ? size : Math.floor((Number(size.slice(0, -1)) / 100) * hosts.length) || 1;
  });
  if (sizes.length === 0) throw new InputError('serial must not be an empty list', play.location);
  const batches: string[][] = [];
  const left = [...hosts];
  for (let i = 0; left.length > 0; i = Math.min(i + 1, sizes.length - 1)) batches.push(left.splice(0, sizes[i]));
  return batches;
}
