import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import { EventDecoder, EventEncoder } from '../../lib/cli/thread-events.js';
import type { RunEvent } from '../../lib/engine/events.js';

/** A task result built key by key as engine/results.ts builds it (undefined message and diff kept as keys). */
function result(host: string, task: string, extra: { status?: string; message?: string; rescued?: boolean; ignored?: boolean; handler?: boolean; durationMs?: number } = {}): RunEvent {
  const event: Record<string, unknown> = {};
  if (extra.rescued) event.rescued = true;
  if (extra.ignored) event.ignored = true;
  event.type = 'task_result';
  event.host = host;
  event.play = 'Play';
  event.task = task;
  event.index = 3;
  event.handler = extra.handler ?? false;
  event.status = extra.status ?? 'ok';
  event.message = extra.message;
  event.diff = undefined;
  event.dryRun = true;
  event.durationMs = extra.durationMs ?? 12;
  return event as RunEvent;
}

/** Each batch through structured clone, as a worker's port carries it. */
function roundTrip(batches: RunEvent[][]): RunEvent[][] {
  const encoder = new EventEncoder();
  const decoder = new EventDecoder();
  return batches.map((events) => decoder.decode(deserialize(serialize(encoder.encode(events)))));
}

/** Keys in order, undefined values kept: what the reporters and JSON lines see. */
const shape = (events: RunEvent[]) => events.map((e) => Object.entries(e));

describe('worker threads: events as they travel to the main thread', () => {
  it('give back every event as it was, key order and undefined keys included, across batches that share strings', () => {
    const batches: RunEvent[][] = [
      [
        { type: 'play_start', play: 'Play', index: 0, hosts: ['a', 'b'], tasks: 2 },
        result('a', 'Install'),
        result('b', 'Install', { status: 'changed', message: 'installed' }),
        { type: 'task_start', host: 'a', play: 'Play', task: 'Next', index: 4, handler: false },
      ],
      [
        result('a', 'Next', { status: 'failed', message: 'boom', rescued: true }),
        result('b', 'Next', { status: 'failed', ignored: true, handler: true }),
        result('a', 'Install', { status: 'skipped', durationMs: 0 }),
        result('b', 'Install', { status: 'unreachable', message: 'installed' }),
        { type: 'host_unreachable', host: 'b', message: 'gone' },
      ],
    ];
    assert.deepEqual(roundTrip(batches).map(shape), batches.map(shape));
  });

  it('send a result with anything more (output, an item, a diff, an odd number) as it is', () => {
    const withOutput = { ...result('a', 't'), stdout: 'x' } as RunEvent;
    const withItem = result('a', 't');
    (withItem as Record<string, unknown>).item = { name: 'x' };
    const odd = result('a', 't', { durationMs: 2 ** 40 });
    const queued: RunEvent = { type: 'task_result', host: 'a', play: '', task: 'queued changes', index: -1, handler: false, status: 'failed', message: 'm', dryRun: false, durationMs: 0 };
    const events = [withOutput, withItem, odd, queued];
    const encoded = new EventEncoder().encode(events);
    assert.equal(encoded.asIs.length, 4);
    assert.deepEqual(shape(new EventDecoder().decode(encoded)), shape(events));
  });

  it('send each string once while the table has room, then with its batch', () => {
    const encoder = new EventEncoder();
    const decoder = new EventDecoder();
    const first = encoder.encode([result('a', 'Install'), result('b', 'Install')]);
    assert.deepEqual(first.strings, ['a', 'Play', 'Install', 'b']);
    const second = encoder.encode([result('a', 'Install', { message: 'new' })]);
    assert.deepEqual(second.strings, ['new']);
    assert.deepEqual(shape(decoder.decode(first)), shape([result('a', 'Install'), result('b', 'Install')]));
    assert.deepEqual(shape(decoder.decode(second)), shape([result('a', 'Install', { message: 'new' })]));
    // Past the table's limit (100,000 strings) new strings travel inline.
    const many = Array.from({ length: 100_000 }, (_, i) => result(`h${i}`, 'Install'));
    const third = encoder.encode(many);
    // Five strings were known: 99,995 more fill the table.
    assert.equal(third.strings.length, 99_995);
    assert.deepEqual(third.inline, ['h99995', 'h99996', 'h99997', 'h99998', 'h99999']);
    assert.deepEqual(shape(decoder.decode(third)), shape(many));
  });
});
