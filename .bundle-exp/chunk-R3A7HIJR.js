import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// dist/lib/report/ansi.js
var CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  cyan: [36, 39]
};
function createPalette(enabled) {
  return {
    enabled,
    paint: (style, text) => {
      if (!enabled || text === "")
        return text;
      const [open, close] = CODES[style];
      return `\x1B[${open}m${text}\x1B[${close}m`;
    }
  };
}
var NO_COLOR = createPalette(false);
function colorForcedByEnv(env = process.env) {
  const value = env.FORCE_COLOR;
  return value !== void 0 && value !== "0" && value !== "false";
}
function colorWantedOnTerminal(env = process.env) {
  if (colorForcedByEnv(env))
    return true;
  return env.NO_COLOR === void 0 || env.NO_COLOR === "";
}

// dist/lib/engine/events.js
function emptyRecap() {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: false, rescued: 0, ignored: 0 };
}
function countResult(recap, result) {
  switch (result.status) {
    case "unreachable":
      recap.unreachable = true;
      return;
    case "failed":
      if (result.rescued)
        recap.rescued++;
      else
        recap.failed++;
      return;
    case "skipped":
      recap.skipped++;
      return;
    case "changed":
      recap.changed++;
      recap.ok++;
      break;
    case "ok":
      recap.ok++;
      break;
  }
  if (result.ignored)
    recap.ignored++;
}

// dist/lib/report/recap.js
var RecapTally = class {
  hosts = /* @__PURE__ */ new Map();
  startedAt = Date.now();
  engineRecap;
  observe(event) {
    switch (event.type) {
      case "run_start":
      case "play_start":
        for (const host of event.hosts)
          this.host(host);
        break;
      case "task_result": {
        countResult(this.host(event.host), event);
        break;
      }
      case "host_unreachable":
        this.host(event.host).unreachable = true;
        break;
      case "recap":
        this.engineRecap = event;
        break;
      default:
        break;
    }
  }
  /** Hosts first seen, in order: the order lines are printed in. */
  knownHosts() {
    return [...this.hosts.keys()];
  }
  recap() {
    if (this.engineRecap)
      return this.engineRecap;
    return {
      type: "recap",
      hosts: Object.fromEntries([...this.hosts].map(([name, recap]) => [name, { ...recap }])),
      transport: {},
      durationMs: Date.now() - this.startedAt
    };
  }
  host(name) {
    let recap = this.hosts.get(name);
    if (!recap) {
      recap = emptyRecap();
      this.hosts.set(name, recap);
    }
    return recap;
  }
};
var COLUMNS = ["ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"];
var COLUMN_STYLE = {
  ok: "green",
  changed: "yellow",
  unreachable: "red",
  failed: "red",
  skipped: "cyan",
  rescued: "magenta",
  ignored: "magenta"
};
function formatRecapTable(recap, palette = NO_COLOR) {
  const hostNames = Object.keys(recap.hosts);
  const hostWidth = Math.max("host".length, ...hostNames.map((name) => name.length));
  const cell = (column, value) => {
    const text = String(value).padStart(column.length);
    return value > 0 && column !== "ok" ? palette.paint(COLUMN_STYLE[column], text) : text;
  };
  const lines = [palette.paint("bold", "PLAY RECAP"), ["host".padEnd(hostWidth), ...COLUMNS].join("  ")];
  for (const name of hostNames) {
    const host = recap.hosts[name];
    const values = { ...host, unreachable: host.unreachable ? 1 : 0 };
    const hostStyle = host.unreachable || host.failed > 0 ? "red" : host.changed > 0 ? "yellow" : "green";
    const row = [palette.paint(hostStyle, name.padEnd(hostWidth)), ...COLUMNS.map((column) => cell(column, values[column] ?? 0))];
    if (host.interrupted)
      row.push(palette.paint("red", "INTERRUPTED"));
    lines.push(row.join("  "));
  }
  lines.push("", summaryLine(recap.durationMs, recap.transport));
  return lines.join("\n");
}
function summaryLine(durationMs, transport) {
  const parts = [`total duration ${formatDuration(durationMs)}`];
  const counters = Object.values(transport);
  if (counters.length > 0) {
    const connections = counters.reduce((sum, c) => sum + c.connections, 0);
    const roundTrips = counters.reduce((sum, c) => sum + c.roundTrips, 0);
    parts.push(`${connections} connection${connections === 1 ? "" : "s"}`, `${roundTrips} round trip${roundTrips === 1 ? "" : "s"}`);
  }
  return parts.join(", ");
}
function formatDuration(ms) {
  if (ms < 1e3)
    return `${Math.round(ms)}ms`;
  if (ms < 6e4)
    return `${(ms / 1e3).toFixed(2)}s`;
  const totalSeconds = Math.round(ms / 1e3);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}

export {
  emptyRecap,
  countResult,
  createPalette,
  NO_COLOR,
  colorForcedByEnv,
  colorWantedOnTerminal,
  RecapTally,
  formatRecapTable,
  formatDuration
};
