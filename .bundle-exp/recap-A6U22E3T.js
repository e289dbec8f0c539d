import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  exitCodeFor
} from "./chunk-LQF5EPRV.js";
import {
  formatRecapTable
} from "./chunk-R3A7HIJR.js";
import {
  InputError
} from "./chunk-2UVUKPLH.js";
import "./chunk-J7TIHFHR.js";

// dist/lib/report/merge-recaps.js
import { readFileSync } from "node:fs";
function mergeRecapFiles(files) {
  if (files.length === 0)
    throw new InputError("runbook recap: name the JSON output of each shard (runbook recap shard-1.json shard-2.json ...)");
  const hosts = {};
  const transport = {};
  const origin = /* @__PURE__ */ new Map();
  let durationMs = 0;
  for (const file of files) {
    const recap = lastRecap(file);
    for (const [name, host] of Object.entries(recap.hosts)) {
      const seen = origin.get(name);
      if (seen)
        throw new InputError(`runbook recap: host ${name} is in both ${seen} and ${file}; shards must not overlap`);
      origin.set(name, file);
      hosts[name] = host;
      if (recap.transport[name])
        transport[name] = recap.transport[name];
    }
    durationMs = Math.max(durationMs, recap.durationMs);
  }
  return { recap: { type: "recap", hosts, transport, durationMs }, exitCode: exitCodeFor(hosts) };
}
function lastRecap(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError(`runbook recap: cannot read ${file}: ${error.code ?? String(error)}`);
  }
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith("{"))
      continue;
    let event;
    try {
      event = JSON.parse(lines[i]);
    } catch {
      throw new InputError(`runbook recap: ${file}:${i + 1} is not JSON (was it written with --output json?)`);
    }
    if (event.type === "recap")
      return event;
    break;
  }
  throw new InputError(`runbook recap: ${file} ends without a recap (the shard did not finish, or ran without --output json)`);
}

// dist/lib/cli/recap.js
function recapCommand(files, output) {
  const { recap, exitCode } = mergeRecapFiles(files);
  process.stdout.write(output === "json" ? `${JSON.stringify(recap)}
` : `${formatRecapTable(recap)}
`);
  return exitCode;
}
export {
  recapCommand
};
