import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  KeyError,
  configuredInventory,
  connectionDetails,
  connectionRunOptions,
  createReporter,
  flattenEntries,
  isBlock,
  loadInventories,
  loadPlaybookFile,
  loadPrivateKey,
  parseExtraVars,
  parseShard,
  planRun,
  runPlaybooks,
  settleSession
} from "./chunk-ZBQRHZ6P.js";
import "./chunk-LQF5EPRV.js";
import {
  defaultRegistry
} from "./chunk-H2E5YLVL.js";
import "./chunk-26FRTH2G.js";
import "./chunk-I7335OHK.js";
import "./chunk-R3A7HIJR.js";
import "./chunk-DFV3BYGA.js";
import "./chunk-DNMEMACC.js";
import {
  configureVault
} from "./chunk-JQYNUFO3.js";
import {
  redact
} from "./chunk-CEXGABJJ.js";
import {
  InputError
} from "./chunk-2UVUKPLH.js";
import "./chunk-J7TIHFHR.js";

// dist/lib/cli/apply.js
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

// dist/lib/cli/passphrase.js
function askPassphrase(file) {
  const input = process.stdin;
  return new Promise((resolve2, reject) => {
    process.stderr.write(`Enter passphrase for ${file}: `);
    let typed = "";
    input.setRawMode(true);
    input.resume();
    const done = (error) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      if (error)
        reject(error);
      else
        resolve2(typed);
    };
    const onData = (chunk) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n")
          return done();
        if (char === "")
          return done(new Error("passphrase prompt interrupted"));
        if (char === "\x7F" || char === "\b")
          typed = typed.slice(0, -1);
        else
          typed += char;
      }
    };
    input.on("data", onData);
  });
}

// dist/lib/cli/apply.js
var SPECIAL_TAGS = ["all", "always", "never", "tagged", "untagged"];
async function applyCommand(args) {
  const shard = args.shard !== void 0 ? parseShard(args.shard, args.shardBy) : void 0;
  if (args.shardBy !== void 0 && !shard)
    throw new InputError("--shard-by goes with --shard I/N");
  const session = await settleSession(args);
  const { inventoryFiles, playbookArgs } = splitPositionals(args, configuredInventory(session.config));
  const registry = defaultRegistry();
  await configureVault({ ...args, vaultPasswordFile: args.vaultPasswordFile?.length ? args.vaultPasswordFile : session.vaultPasswordFile ? [session.vaultPasswordFile] : void 0 });
  const playbookFiles = playbookArgs.length ? playbookArgs.map((p) => resolve(p)) : defaultPlaybooks(inventoryFiles[0]);
  if (!Number.isFinite(args.taskTimeout) || args.taskTimeout < 0)
    throw new InputError(`--task-timeout must be a number of seconds of 0 or more, got ${args.taskTimeout}`);
  const plays = playbookFiles.flatMap((file) => loadPlaybookFile(file, registry, { rolesPath: session.rolesPath }));
  if (args.syntaxCheck) {
    for (const file of playbookFiles)
      process.stdout.write(`
playbook: ${relative(process.cwd(), file) || file}
`);
    return 0;
  }
  const tags = splitList(args.tags);
  const skipTags = splitList(args.skipTags);
  warnUnknownTags(plays, [...tags, ...skipTags]);
  const inventory = loadInventories(inventoryFiles, args, session.config, dirname(playbookFiles[0]));
  const extraVars = parseExtraVars(args.extraVars);
  const plan = startAtTask(planRun({ inventory, plays, registry, extraVars, tags, skipTags, limit: args.limit, shard }), args.startAtTask);
  if (args.listHosts || args.listTasks || args.listTags) {
    listPlan(plan, args);
    return 0;
  }
  const privateKeys = await loadPrivateKeys(plan, inventory);
  const reporter = await createReporter(session.output, { out: process.stdout, diff: args.diff, color: session.color, verbosity: session.verbosity });
  if (session.verbosity >= 3)
    for (const line of connectionDetails(inventory, plan.flatMap((p) => p.hosts), session))
      process.stderr.write(`${line}
`);
  const interrupt = onInterrupt();
  let summary;
  try {
    summary = await runPlaybooks({
      inventory,
      plan,
      playbookFiles,
      dryRun: args.dryRun,
      diff: args.diff,
      extraVars,
      ...connectionRunOptions(session),
      strategy: args.strategy,
      taskTimeout: args.taskTimeout,
      signal: interrupt.signal,
      privateKeys,
      // Values from a vault never show, whatever a task or module put in its result.
      onEvent: (event) => reporter.onEvent(redact(event))
    }, registry);
    await reporter.finish();
  } finally {
    interrupt.dispose();
  }
  return interrupt.exitCode ?? summary.exitCode;
}
async function loadPrivateKeys(plan, inventory) {
  const keys = /* @__PURE__ */ new Map();
  for (const name of new Set(plan.flatMap((p) => p.hosts))) {
    const host = inventory.hosts.get(name);
    const file = host.connection.privateKeyFile;
    if (!file || keys.has(file))
      continue;
    try {
      keys.set(file, await loadPrivateKey(file, { agent: process.env.SSH_AUTH_SOCK, ask: process.stdin.isTTY ? askPassphrase : void 0 }));
    } catch (error) {
      if (error instanceof KeyError)
        throw new InputError(`${error.message} (host '${name}')`, host.location);
      throw error;
    }
  }
  return keys;
}
var SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 };
function onInterrupt() {
  const controller = new AbortController();
  const state = {
    signal: controller.signal,
    dispose: () => {
      for (const name of Object.keys(SIGNAL_EXIT))
        process.off(name, handler);
    }
  };
  function handler(name) {
    if (state.exitCode !== void 0) {
      if (process.stdout.isTTY)
        process.stdout.write("\x1B[?25h\n");
      process.stderr.write(`runbook: ${name} again: exiting now
`);
      process.exit(state.exitCode);
    }
    state.exitCode = SIGNAL_EXIT[name];
    process.stderr.write(`runbook: ${name}: stopping (no new tasks; stopping what runs on the hosts); again to exit at once
`);
    controller.abort();
  }
  for (const name of Object.keys(SIGNAL_EXIT))
    process.on(name, handler);
  return state;
}
function splitPositionals(args, configured) {
  const files = args.files ?? [];
  if (args.inventory?.length)
    return { inventoryFiles: args.inventory, playbookArgs: files };
  if (files.length > 0 && !(configured.length > 0 && looksLikePlaybook(files[0])))
    return { inventoryFiles: [files[0]], playbookArgs: files.slice(1) };
  if (configured.length > 0)
    return { inventoryFiles: configured, playbookArgs: files };
  throw new InputError("no inventory: runbook apply INVENTORY [PLAYBOOK...], or -i INVENTORY PLAYBOOK... (or inventory in ansible.cfg)");
}
function looksLikePlaybook(file) {
  try {
    const first = readFileSync(file, "utf8").split("\n").map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#") && l !== "---");
    return first?.startsWith("- ") === true || first === "-";
  } catch {
    return false;
  }
}
function defaultPlaybooks(inventoryFile) {
  const candidates = [resolve("playbooks"), resolve(dirname(inventoryFile), "..", "playbooks"), resolve(dirname(inventoryFile), "playbooks")];
  const dir = candidates.find((d) => existsSync(d));
  if (!dir)
    throw new InputError(`no playbooks named and no playbooks/ folder found (looked in ${candidates.join(", ")})`);
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0)
    throw new InputError(`no *.yaml or *.yml files in ${dir}`);
  return files.map((f) => join(dir, f));
}
function splitList(values) {
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
}
function allTags(plays) {
  return [...new Set(plays.flatMap((p) => [...p.tags, ...[...p.tasks, ...p.handlers].flatMap((t) => t.tags)]))].sort();
}
function warnUnknownTags(plays, requested) {
  const known = allTags(plays);
  for (const tag of new Set(requested)) {
    if (SPECIAL_TAGS.includes(tag) || known.includes(tag))
      continue;
    process.stderr.write(`[WARNING]: tag '${tag}' is not on any task of these playbooks; known tags: ${known.length ? known.join(", ") : "(none)"}
`);
  }
}
function startAtTask(plan, name) {
  if (name === void 0)
    return plan;
  const matches = (task) => task.name === name || globMatch(name, task.name);
  const playIndex = plan.findIndex((p) => p.tasks.some(matches));
  if (playIndex < 0)
    throw new InputError(`--start-at-task: no task named '${name}' in the selected tasks`);
  return plan.map((entry, index) => {
    if (index > playIndex)
      return entry;
    const body = index < playIndex ? [] : bodyFrom(entry.body, matches) ?? [];
    return { ...entry, body, tasks: flattenEntries(body) };
  });
}
function bodyFrom(entries, matches) {
  for (const [i, entry] of entries.entries()) {
    if (!isBlock(entry)) {
      if (matches(entry))
        return entries.slice(i);
      continue;
    }
    const inner = bodyFrom(entry.block, matches);
    if (inner)
      return [{ ...entry, block: inner }, ...entries.slice(i + 1)];
  }
  return void 0;
}
function globMatch(pattern, text) {
  if (!/[*?[]/.test(pattern))
    return false;
  const source = pattern.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".").replace(/\[!/g, "[^");
  try {
    return new RegExp(`^${source}$`).test(text);
  } catch {
    return false;
  }
}
function listPlan(plan, args) {
  for (const [index, { play, hosts, tasks }] of plan.entries()) {
    process.stdout.write(`play #${index + 1} (${play.hosts}): ${play.name}	TAGS: [${play.tags.join(", ")}] (${hosts.length} hosts)
`);
    if (args.listHosts)
      for (const host of hosts)
        process.stdout.write(`  ${host}
`);
    if (args.listTasks)
      for (const task of tasks)
        process.stdout.write(`  ${task.name}	[${task.tags.join(", ")}]
`);
    if (args.listTags)
      process.stdout.write(`  TASK TAGS: [${[...new Set(tasks.flatMap((t) => t.tags))].sort().join(", ")}]
`);
  }
}
export {
  applyCommand
};
