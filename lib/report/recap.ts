import { countResult, emptyRecap, type HostRecap, type RunEvent, type TransportCounters } from '../engine/events.js';
import { NO_COLOR, type Palette, type Style } from './ansi.js';
import type { RecapEvent } from './types.js';

/**
 * Counts results as they arrive, so a recap can still be shown when the engine
 * stops before emitting its own `recap` event. The engine's recap, when present,
 * is authoritative.
 */
export class RecapTally {
  private readonly hosts = new Map<string, HostRecap>();
  private readonly startedAt = Date.now();
  private engineRecap: RecapEvent | undefined;

  observe(event: RunEvent): void {
    switch (event.type) {
      case 'run_start':
      case 'play_start':
        for (const host of event.hosts) this.host(host);
        break;
      case 'task_result': {
        countResult(this.host(event.host), event);
        break;
      }
      case 'host_unreachable':
        this.host(event.host).unreachable = true;
        break;
      case 'recap':
        this.engineRecap = event;
        break;
      default:
        break;
    }
  }

  /** Hosts first seen, in order: the order lines are printed in. */
  knownHosts(): string[] {
    return [...this.hosts.keys()];
  }

  recap(): RecapEvent {
    if (this.engineRecap) return this.engineRecap;
    return {
      type: 'recap',
      hosts: Object.fromEntries([...this.hosts].map(([name, recap]) => [name, { ...recap }])),
      transport: {},
      durationMs: Date.now() - this.startedAt,
    };
  }

  private host(name: string): HostRecap {
    let recap = this.hosts.get(name);
    if (!recap) {
      recap = emptyRecap();
      this.hosts.set(name, recap);
    }
    return recap;
  }
}

/** ansible-playbook's recap columns, in its order. */
const COLUMNS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;
type Column = (typeof COLUMNS)[number];

const COLUMN_STYLE: Record<Column, Style> = {
  ok: 'green',
  changed: 'yellow',
  unreachable: 'red',
  failed: 'red',
  skipped: 'cyan',
  rescued: 'magenta',
  ignored: 'magenta',
};

/**
 * The PLAY RECAP table: one row per host, right-aligned counts under their headers,
 * then the total duration and transport counters (the cost the user pays).
 */
export function formatRecapTable(recap: RecapEvent, palette: Palette = NO_COLOR): string {
  const hostNames = Object.keys(recap.hosts);
  const hostWidth = Math.max('host'.length, ...hostNames.map((name) => name.length));
  const cell = (column: Column, value: number): string => {
    const text = String(value).padStart(column.length);
    return value > 0 && column !== 'ok' ? palette.paint(COLUMN_STYLE[column], text) : text;
  };

  const lines = [palette.paint('bold', 'PLAY RECAP'), ['host'.padEnd(hostWidth), ...COLUMNS].join('  ')];
  for (const name of hostNames) {
    const host = recap.hosts[name]!;
    const values: Record<Column, number> = { ...host, unreachable: host.unreachable ? 1 : 0 };
    const hostStyle: Style = host.unreachable || host.failed > 0 ? 'red' : host.changed > 0 ? 'yellow' : 'green';
    const row = [palette.paint(hostStyle, name.padEnd(hostWidth)), ...COLUMNS.map((column) => cell(column, values[column] ?? 0))];
    if (host.interrupted) row.push(palette.paint('red', 'INTERRUPTED'));
    lines.push(row.join('  '));
  }
  lines.push('', summaryLine(recap.durationMs, recap.transport));
  return lines.join('\n');
}

function summaryLine(durationMs: number, transport: Record<string, TransportCounters>): string {
  const parts = [`total duration ${formatDuration(durationMs)}`];
  const counters = Object.values(transport);
  if (counters.length > 0) {
    const connections = counters.reduce((sum, c) => sum + c.connections, 0);
    const roundTrips = counters.reduce((sum, c) => sum + c.roundTrips, 0);
    const reused = counters.reduce((sum, c) => sum + (c.reused ?? 0), 0);
    parts.push(`${connections} ${reused > 0 ? 'new ' : ''}connection${connections === 1 ? '' : 's'}`);
    // --persist: connections kept from an earlier run, used again (no handshake).
    if (reused > 0) parts.push(`${reused} kept connection${reused === 1 ? '' : 's'} reused`);
    parts.push(`${roundTrips} round trip${roundTrips === 1 ? '' : 's'}`);
  }
  return parts.join(', ');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}
