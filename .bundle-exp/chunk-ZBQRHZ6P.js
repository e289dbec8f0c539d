import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  exitCodeFor
} from "./chunk-LQF5EPRV.js";
import {
  FactError,
  evaluateCondition,
  fileContentFact,
  gatheredFact,
  isTemplated,
  loadVarsFile,
  parseProbe,
  pathFact,
  planProbe,
  referencedVariables,
  renderTemplateFile,
  renderValue,
  requestKey,
  resolveSourceFile,
  shellQuote,
  sourceFileCandidates,
  subsetParts
} from "./chunk-H2E5YLVL.js";
import {
  checkOnlyChoice,
  existingFile,
  fileOrAbsent,
  positiveSeconds,
  wholeNumber
} from "./chunk-26FRTH2G.js";
import {
  diffForJson,
  formatDryRunBanner,
  formatPlayHeader,
  formatResultDiffs,
  formatResultLine,
  formatTaskOutput,
  formatUnreachableLine
} from "./chunk-I7335OHK.js";
import {
  RecapTally,
  colorForcedByEnv,
  countResult,
  createPalette,
  emptyRecap,
  formatRecapTable
} from "./chunk-R3A7HIJR.js";
import {
  IMPLICIT_LOCALHOST,
  RAW_PARAMS,
  absolutePathError,
  addImplicitLocalhost,
  convertType,
  implicitLocalhost,
  isTemplated as isTemplated2,
  loadInventory,
  normaliseArgs,
  normaliseMode,
  toBoolean,
  withPlaybookDir
} from "./chunk-DFV3BYGA.js";
import {
  loadYamlFile,
  locationOf,
  sourceTextOf,
  valueLocationOf,
  yaml
} from "./chunk-DNMEMACC.js";
import {
  promptHidden
} from "./chunk-JQYNUFO3.js";
import {
  holdsSecret,
  readsSecret
} from "./chunk-CEXGABJJ.js";
import {
  InputError,
  didYouMean,
  formatLocation
} from "./chunk-2UVUKPLH.js";

// dist/lib/transport/keys.js
import { readFileSync } from "node:fs";
import ssh2 from "ssh2";
var { utils } = ssh2;
function usableWithoutPassphrase(key) {
  return !(utils.parseKey(key) instanceof Error);
}
var KeyError = class extends Error {
  name = "KeyError";
};
async function loadPrivateKey(file, options) {
  let key;
  try {
    key = readFileSync(file);
  } catch (error) {
    throw new KeyError(`private key ${file} cannot be read: ${error.message}`, { cause: error });
  }
  const parsed = utils.parseKey(key);
  if (!(parsed instanceof Error))
    return { key };
  if (!/encrypted|passphrase/i.test(parsed.message)) {
    throw new KeyError(`private key ${file} cannot be parsed (${parsed.message}); use an OpenSSH or PEM private key, or load it into ssh-agent`, { cause: parsed });
  }
  if (options.agent)
    return { useAgent: true };
  if (!options.ask) {
    throw new KeyError(`private key ${file} is protected by a passphrase and no ssh-agent runs: add it with 'ssh-add ${file}' (or run on a terminal to be asked for the passphrase)`);
  }
  const passphrase = await options.ask(file);
  const decrypted = utils.parseKey(key, passphrase);
  if (decrypted instanceof Error)
    throw new KeyError(`private key ${file}: wrong passphrase (${decrypted.message}); or add it to ssh-agent with 'ssh-add ${file}'`, { cause: decrypted });
  return { key, passphrase };
}

// dist/lib/playbook/types.js
function isBlock(entry) {
  return entry.kind === "block";
}
function flattenEntries(entries) {
  return entries.flatMap((entry) => isBlock(entry) ? [...flattenEntries(entry.block), ...flattenEntries(entry.rescue), ...flattenEntries(entry.always)] : [entry]);
}
function builtTask(fields) {
  return { vars: {}, when: [], tags: [], notify: [], loopVar: "item", runOnce: false, ignoreErrors: false, noLog: false, listen: [], ...fields };
}

// dist/lib/playbook/load.js
import { existsSync as existsSync3 } from "node:fs";
import { dirname as dirname2, resolve as resolve3 } from "node:path";

// dist/lib/playbook/roles.js
import { existsSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
function allDependencies(role) {
  return role.deps.flatMap((dep) => [...allDependencies(dep), dep]);
}
function parentChain(role) {
  const chain = [];
  for (let parent = role.parent; parent; parent = parent.parent)
    chain.unshift(parent);
  return chain;
}
function roleDefaults(role, withChain) {
  const merged = {};
  for (const dep of allDependencies(role))
    Object.assign(merged, roleDefaults(dep, false));
  if (withChain)
    for (const parent of parentChain(role))
      Object.assign(merged, parent.defaults);
  return Object.assign(merged, role.defaults);
}
function roleVars(role, withChain) {
  const merged = {};
  if (withChain)
    for (const parent of parentChain(role))
      Object.assign(merged, parent.entryVars, parent.vars);
  for (const dep of allDependencies(role))
    Object.assign(merged, roleVars(dep, false));
  return Object.assign(merged, role.entryVars, role.vars);
}
function roleLayers(role) {
  const params = {};
  for (const parent of parentChain(role))
    Object.assign(params, parent.params);
  Object.assign(params, role.params);
  return { defaults: roleDefaults(role, true), vars: roleVars(role, true), params };
}
function roleSearchPath(playbookDir, configured = []) {
  const fromEnv = (process.env.RUNBOOK_ROLES_PATH ?? process.env.ANSIBLE_ROLES_PATH ?? "").split(delimiter).filter(Boolean);
  return [.../* @__PURE__ */ new Set([join(playbookDir, "roles"), ...fromEnv.map((p) => resolve(p)), ...configured.map((p) => resolve(playbookDir, p)), playbookDir])];
}
function findRole(name, searchPath, where) {
  const candidates = isAbsolute(name) ? [name] : searchPath.map((dir) => join(dir, name));
  const found = candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
  if (!found)
    throw new InputError(`role '${name}' not found (looked in ${candidates.join(", ")})`, where);
  return found;
}
function roleFile(dir, kind, name = "main") {
  return [`${name}.yml`, `${name}.yaml`, name].map((f) => join(dir, kind, f)).find((p) => existsSync(p) && statSync(p).isFile());
}
function roleVarsFile(dir, kind, name = "main", where) {
  const file = roleFile(dir, kind, name);
  if (!file && name !== "main")
    throw new InputError(`role has no ${kind} file '${name}' (looked in ${join(dir, kind)})`, where);
  if (!file)
    return {};
  const data = loadYamlFile(file);
  if (data === null || data === void 0)
    return {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new InputError(`${kind} file of a role must be a mapping of variables`, locationOf(data) ?? { file, line: 1, column: 1 });
  return data;
}
function roleMeta(dir) {
  const file = roleFile(dir, "meta");
  if (!file)
    return { dependencies: [], allowDuplicates: false };
  const data = loadYamlFile(file);
  if (!data || typeof data !== "object")
    return { dependencies: [], allowDuplicates: false };
  const deps = Array.isArray(data.dependencies) ? data.dependencies : [];
  const at = locationOf(data, "dependencies") ?? { file, line: 1, column: 1 };
  return { dependencies: deps.map((d, i) => [d, locationOf(deps, i) ?? at]), allowDuplicates: data.allow_duplicates === true };
}
function roleBlock(name, entries, location) {
  return { kind: "block", name: `role ${name}`, block: entries, rescue: [], always: [], location };
}

// dist/lib/modules/arg-rules.js
var given = (args, name) => args[name] !== void 0 && args[name] !== null;
var templated = (value) => typeof value === "string" && /\{\{|\{%/.test(value);
function argRuleError(module, args) {
  for (const group of module.mutuallyExclusive ?? []) {
    const present = group.filter((name) => given(args, name));
    if (present.length > 1)
      return `parameters are mutually exclusive: ${group.join("|")}`;
  }
  for (const group of module.requiredOneOf ?? []) {
    if (!group.some((name) => given(args, name)))
      return `one of the following is required: ${group.join(", ")}`;
  }
  for (const group of module.requiredTogether ?? []) {
    const present = group.filter((name) => given(args, name));
    if (present.length > 0 && present.length < group.length)
      return `parameters are required together: ${group.join(", ")}`;
  }
  for (const [name, value, required, anyOne] of module.requiredIf ?? []) {
    if (templated(args[name]) || args[name] !== value)
      continue;
    const missing = required.filter((r) => !given(args, r));
    if (anyOne ? missing.length === required.length : missing.length > 0) {
      return `${name} is ${String(value)} but ${anyOne ? "any" : "all"} of the following are missing: ${missing.join(", ")}`;
    }
  }
  return void 0;
}

// dist/lib/playbook/task.js
import { existsSync as existsSync2 } from "node:fs";
import { dirname, isAbsolute as isAbsolute2, join as join2, resolve as resolve2 } from "node:path";

// dist/lib/playbook/kv.js
function tokenizeArgs(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]))
      i++;
    if (i >= text.length)
      break;
    const start = i;
    let quote;
    let jinjaDepth = 0;
    while (i < text.length) {
      const ch = text[i];
      const pair = text.slice(i, i + 2);
      if (quote) {
        if (ch === "\\" && i + 1 < text.length)
          i++;
        else if (ch === quote)
          quote = void 0;
      } else if (pair === "{{" || pair === "{%" || pair === "{#") {
        jinjaDepth++;
        i++;
      } else if (jinjaDepth > 0 && (pair === "}}" || pair === "%}" || pair === "#}")) {
        jinjaDepth--;
        i++;
      } else if (ch === '"' || ch === "'")
        quote = ch;
      else if (jinjaDepth === 0 && /\s/.test(ch))
        break;
      i++;
    }
    const token = { text: text.slice(start, i), start, end: i };
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(token.text);
    if (match) {
      token.key = match[1];
      token.value = unquote(match[2]);
    }
    tokens.push(token);
  }
  return tokens;
}
function unquote(value) {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
    const inner = value.slice(1, -1);
    if (value[0] === "'")
      return inner.replace(/\\'/g, "'");
    return inner.replace(/\\(["\\nt])/g, (_, c) => c === "n" ? "\n" : c === "t" ? "	" : c);
  }
  return value;
}
function parseFreeForm(text, isKnownArg) {
  const args = {};
  const kept = [];
  let cursor = 0;
  for (const token of tokenizeArgs(text)) {
    if (token.key === void 0 || token.key === "_raw_params" || !isKnownArg(token.key))
      continue;
    args[token.key] = token.value;
    kept.push(text.slice(cursor, token.start));
    cursor = token.end;
  }
  kept.push(text.slice(cursor));
  return { raw: kept.map((piece) => piece.trim()).filter(Boolean).join(" "), args };
}
function parseKeyValues(text) {
  const args = {};
  for (const token of tokenizeArgs(text)) {
    if (token.key === void 0)
      return { args, stray: token.text };
    args[token.key] = token.value;
  }
  return { args };
}

// dist/lib/playbook/task.js
var TASK_KEYWORDS = [
  "name",
  "args",
  "vars",
  "when",
  "tags",
  "register",
  "notify",
  "loop",
  "with_items",
  "loop_control",
  "run_once",
  "changed_when",
  "failed_when",
  "ignore_errors",
  "become",
  "become_user",
  "check_mode",
  "no_log",
  "listen",
  "until",
  "retries",
  "delay",
  "timeout",
  "throttle",
  "delegate_to",
  "delegate_facts",
  "local_action",
  "ignore_unreachable",
  "any_errors_fatal",
  "environment",
  "module_defaults",
  "remote_user",
  "port",
  "connection",
  "action",
  "collections",
  "become_method"
];
var UNSUPPORTED_KEYWORDS = {
  async: "async is not supported: runbook keeps one connection per host and waits for each command; use timeout: to bound a long command, or start a service with the systemd module",
  poll: "poll is not supported (async is not supported: use timeout: to bound a long command)",
  ...unsupportedAnsibleKeywords(["debugger", "diff", "become_flags", "become_exe"])
};
var LOOP_CONTROL_KEYS = ["loop_var", "label", "index_var", "extended"];
function unsupportedAnsibleKeywords(names, where = "") {
  return Object.fromEntries(names.map((name) => [name, `'${name}' is an Ansible keyword runbook does not support${where}`]));
}
var CONNECTIONS = ["local", "ssh", "smart"];
var INHERITED_KEYWORDS = ["name", "when", "tags", "vars", "become", "become_user", "ignore_errors", "no_log", "check_mode", "run_once", "environment", "module_defaults", "remote_user", "port", "connection", "collections", "become_method"];
var BLOCK_KEYWORDS = ["block", "rescue", "always", ...INHERITED_KEYWORDS];
var UNSUPPORTED_BLOCK_KEYWORDS = unsupportedAnsibleKeywords(["delegate_to", "delegate_facts", "throttle", "timeout", "ignore_unreachable", "any_errors_fatal", "notify", "debugger", "diff", "become_flags", "become_exe"], " on a block (set it on the tasks)");
var IMPORT_TASKS = ["import_tasks", "ansible.builtin.import_tasks"];
var IMPORT_ROLE = ["import_role", "ansible.builtin.import_role"];
var ROLE_ARGS = ["name", "role", "tasks_from", "vars_from", "defaults_from", "handlers_from", "allow_duplicates", "public", "apply", "rolespec_validate"];
var NOTHING_INHERITED = { when: [], tags: [], vars: {} };
function parseEntries(value, what, location, ctx) {
  if (value === void 0 || value === null)
    return [];
  if (!Array.isArray(value))
    throw new InputError(`${what} must be a list`, location);
  return value.map((item, index) => parseEntry(item, locationOf(value, index) ?? location, ctx));
}
function parseEntry(raw, fallback, ctx) {
  if (isMapping(raw)) {
    if ("block" in raw)
      return parseBlock(raw, fallback, ctx);
    for (const key of ["rescue", "always"]) {
      if (key in raw)
        throw new InputError(`'${key}' without 'block': rescue and always belong to a block, beside its 'block:' list`, locationOf(raw, key) ?? fallback);
    }
    const importKey = IMPORT_TASKS.find((k) => k in raw);
    if (importKey)
      return parseImportTasks(raw, importKey, fallback, ctx);
    const roleKey = IMPORT_ROLE.find((k) => k in raw);
    if (roleKey)
      return parseImportRole(raw, roleKey, fallback, ctx);
  }
  const task = parseTask(raw, fallback, ctx);
  if (task.module === "include_tasks")
    task.includeTasks = includer(task, ctx, raw);
  if (task.module === "include_role")
    task.includeTasks = roleIncluder(task, ctx, raw);
  return task;
}
function roleRef(raw, where) {
  if (typeof raw === "string" && raw !== "")
    return { name: raw, vars: {}, params: {}, keywords: {} };
  if (!isMapping(raw))
    throw new InputError("a role is a name or a mapping with role:", where);
  const name = raw.role ?? raw.name;
  if (typeof name !== "string" || name === "")
    throw new InputError("a role entry needs role: <name>", locationOf(raw) ?? where);
  if (isTemplated2(name))
    throw new InputError(`role names are read before any host runs and cannot be templated ('${name}')`, locationOf(raw, "role") ?? where);
  const keywords = {};
  const params = {};
  let vars = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "role" || key === "name")
      continue;
    if (key === "vars")
      vars = mapping(value, "vars", locationOf(raw, key) ?? where);
    else if (INHERITED_KEYWORDS.includes(key))
      keywords[key] = value;
    else if (UNSUPPORTED_BLOCK_KEYWORDS[key])
      throw new InputError(UNSUPPORTED_BLOCK_KEYWORDS[key].replace("on a block", "on a role"), locationOf(raw, key) ?? where);
    else
      params[key] = value;
  }
  return { name, vars, params, keywords };
}
var layersOfRole = /* @__PURE__ */ new WeakMap();
function roleLayersOf(role) {
  let layers = layersOfRole.get(role);
  if (!layers)
    layersOfRole.set(role, layers = roleLayers(role));
  return layers;
}
function roleEntries(ref, where, ctx, once) {
  const roles = ctx.roles;
  if (!roles)
    throw new InputError("roles are not available here", where);
  const dir = findRole(ref.name, roles.searchPath, where);
  const chain = ctx.roleChain ?? [];
  if (chain.includes(dir))
    throw new InputError(`circular role dependency: ${[...chain, dir].join(" \u2192 ")}`, where);
  const meta = roleMeta(dir);
  const tasksFrom = ref.tasksFrom?.replace(/\.ya?ml$/, "");
  const scope = {
    name: ref.name,
    dir,
    defaults: roleVarsFile(dir, "defaults", ref.defaultsFrom?.replace(/\.ya?ml$/, ""), where),
    vars: roleVarsFile(dir, "vars", ref.varsFrom?.replace(/\.ya?ml$/, ""), where),
    entryVars: ref.vars,
    params: ref.params,
    deps: [],
    parent: ctx.role
  };
  ctx.role?.deps.push(scope);
  if (ref.exposed && !ref.includeParams)
    roles.public.push(scope);
  const parentInherited = inheritFrom(ref.keywords, ctx.inherited ?? NOTHING_INHERITED, (k) => locationOf(ref.keywords, k) ?? where);
  const inherited = ref.includeParams ? { ...parentInherited, includeParams: { ...parentInherited.includeParams, ...ref.includeParams } } : parentInherited;
  const roleCtx = { ...ctx, baseDir: dir, role: scope, roleChain: [...chain, dir], inherited, chain: void 0 };
  const deps = meta.dependencies.flatMap(([raw, loc]) => roleEntries(roleRef(raw, loc), loc, roleCtx, true));
  const key = `${dir}\0${tasksFrom ?? "main"}\0${JSON.stringify([ref.params, ref.vars, ref.varsFrom, ref.defaultsFrom])}`;
  if (once && !meta.allowDuplicates && roles.seen.has(key))
    return [];
  roles.seen.add(key);
  const handlersFrom = ref.handlersFrom?.replace(/\.ya?ml$/, "");
  const handlersKey = `${dir}\0${handlersFrom ?? "main"}`;
  if (!roles.handlersOf.has(handlersKey)) {
    roles.handlersOf.add(handlersKey);
    const file = roleFile(dir, "handlers", handlersFrom);
    if (!file && handlersFrom)
      throw new InputError(`role '${ref.name}' has no handlers file '${ref.handlersFrom}' (looked in ${join2(dir, "handlers")})`, where);
    const data2 = file ? loadYamlFile(file) : void 0;
    if (Array.isArray(data2)) {
      for (const [index, item] of data2.entries()) {
        const handler = parseTask(item, locationOf(data2, index) ?? { file, line: 1, column: 1 }, { ...roleCtx, file, isHandler: true, handlerNames: void 0, inherited: { ...NOTHING_INHERITED, tags: inherited.tags, environment: inherited.environment, moduleDefaults: inherited.moduleDefaults } });
        roles.handlers.push(handler);
        for (const name of [handler.name, ...handler.listen])
          roles.handlerNames.add(name);
      }
    }
  }
  const tasksFile = roleFile(dir, "tasks", tasksFrom);
  if (!tasksFile && tasksFrom)
    throw new InputError(`role '${ref.name}' has no tasks file '${ref.tasksFrom}' (looked in ${join2(dir, "tasks")})`, where);
  const data = tasksFile ? loadYamlFile(tasksFile) : void 0;
  if (data !== void 0 && data !== null && !Array.isArray(data))
    throw new InputError("a task file must be a list of tasks", locationOf(data) ?? { file: tasksFile, line: 1, column: 1 });
  const tasks = data ? parseEntries(data, "tasks", { file: tasksFile, line: 1, column: 1 }, { ...roleCtx, file: tasksFile, chain: [tasksFile] }) : [];
  const block = roleBlock(ref.name, tasks, where);
  if (ref.exposed && ref.includeParams)
    block.exposes = scope;
  return [...deps, block];
}
function roleArgs(value, where, what) {
  if (!isMapping(value))
    throw new InputError(`${what} takes a mapping (name:, tasks_from:, ...)`, where);
  const at = (k) => locationOf(value, k) ?? where;
  for (const key of Object.keys(value)) {
    if (key === "vars")
      throw new InputError(`'vars' is not an argument of ${what} (Ansible refuses it too): put vars: on the task, beside ${what}:`, at(key));
    if (!ROLE_ARGS.includes(key))
      throw new InputError(`unknown argument '${key}' for ${what}${didYouMean(key, ROLE_ARGS)}`, at(key));
    if (what === "import_role" && (key === "public" || key === "apply"))
      throw new InputError(`'${key}' is an argument of include_role only (import_role's roles are always public)`, at(key));
  }
  const name = value.name ?? value.role;
  if (typeof name !== "string" || name === "")
    throw new InputError(`${what} needs name: <role>`, where);
  const from = (key) => {
    const v = value[key];
    if (v === void 0 || v === null)
      return void 0;
    if (typeof v !== "string")
      throw new InputError(`${key} must be a file name, got ${JSON.stringify(v)}`, at(key));
    if (isTemplated2(v))
      throw new InputError(`${key} is read when the role is loaded and cannot be templated here ('${v}')`, at(key));
    return v;
  };
  return {
    name,
    tasksFrom: from("tasks_from"),
    varsFrom: from("vars_from"),
    defaultsFrom: from("defaults_from"),
    handlersFrom: from("handlers_from"),
    public: flag(value.public, "public", at("public")) ?? false,
    allowDuplicates: flag(value.allow_duplicates, "allow_duplicates", at("allow_duplicates"))
  };
}
function parseImportRole(raw, key, fallback, ctx) {
  const location = locationOf(raw) ?? fallback;
  const at = (k) => locationOf(raw, k) ?? location;
  for (const k of Object.keys(raw)) {
    if (k === "loop" || k.startsWith("with_"))
      throw new InputError(`import_role cannot loop (it is read before any host runs); use include_role`, at(k));
    if (k !== key && !INHERITED_KEYWORDS.includes(k))
      throw new InputError(`'${k}' is not a keyword of import_role${didYouMean(k, INHERITED_KEYWORDS)}`, at(k));
  }
  const args = roleArgs(raw[key], at(key), "import_role");
  const keywords = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== key && k !== "name" && k !== "vars"));
  const ref = { ...args, vars: mapping(raw.vars, "vars", at("vars")), params: {}, keywords, exposed: true };
  const entries = roleEntries(ref, at(key), ctx, false);
  return { kind: "block", name: raw.name === void 0 || raw.name === null ? `import_role ${args.name}` : String(raw.name), block: entries, rescue: [], always: [], location };
}
function roleIncluder(task, ctx, raw) {
  const moduleKey = Object.keys(raw).find((k) => ctx.registry.get(k)?.name === "include_role");
  const value = raw[moduleKey];
  const args = roleArgs(isMapping(value) ? value : typeof value === "string" ? { name: value } : value, locationOf(raw, moduleKey) ?? task.location, "include_role");
  const applyRaw = isMapping(value) ? value.apply : void 0;
  const applyAt = (k) => (isMapping(applyRaw) ? locationOf(applyRaw, k) : void 0) ?? task.location;
  const keywords = isMapping(applyRaw) ? applyRaw : {};
  for (const k of Object.keys(keywords))
    if (!INHERITED_KEYWORDS.includes(k))
      throw new InputError(`'${k}' is not a keyword apply can pass down${didYouMean(k, INHERITED_KEYWORDS)}`, applyAt(k));
  const ownVars = mapping(raw.vars, "vars", locationOf(raw, "vars") ?? task.location);
  return (name, item) => {
    const ref = { ...args, name, vars: ownVars, params: {}, keywords, exposed: args.public, includeParams: { ...ownVars, ...item } };
    return roleEntries(ref, task.location, ctx, args.allowDuplicates === false);
  };
}
function inheritFrom(raw, parent, at) {
  return {
    when: [...parent.when, ...conditions(raw.when, "when", at("when")) ?? []],
    tags: [.../* @__PURE__ */ new Set([...parent.tags, ...tagList(raw.tags, at("tags"))])],
    vars: { ...parent.vars, ...mapping(raw.vars, "vars", at("vars")) },
    become: flag(raw.become, "become", at("become")) ?? parent.become,
    becomeUser: raw.become_user !== void 0 && raw.become_user !== null ? String(raw.become_user) : parent.becomeUser,
    ignoreErrors: flag(raw.ignore_errors, "ignore_errors", at("ignore_errors")) ?? parent.ignoreErrors,
    noLog: flag(raw.no_log, "no_log", at("no_log")) ?? parent.noLog,
    checkMode: flag(raw.check_mode, "check_mode", at("check_mode")) ?? parent.checkMode,
    runOnce: flag(raw.run_once, "run_once", at("run_once")) ?? parent.runOnce,
    environment: [...parent.environment ?? [], ...environmentOf(raw.environment, at("environment"))],
    moduleDefaults: [...parent.moduleDefaults ?? [], ...moduleDefaultsOf(raw.module_defaults, at("module_defaults"))],
    remoteUser: remoteUserOf(raw.remote_user, at("remote_user")) ?? parent.remoteUser,
    port: portOf(raw.port, at("port")) ?? parent.port,
    connection: connectionOf(raw.connection, at("connection")) ?? parent.connection,
    includeParams: parent.includeParams
  };
}
function environmentOf(value, location) {
  if (value === void 0 || value === null)
    return [];
  if (typeof value === "string" && isTemplated2(value))
    return [value];
  if (!isMapping(value))
    throw new InputError(`environment must be a mapping of variable names to values (or a template giving one), got ${JSON.stringify(value)}`, location);
  for (const key of Object.keys(value)) {
    if (!isTemplated2(key) && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new InputError(`environment variable name '${key}' is not valid (letters, digits and _, not starting with a digit)`, locationOf(value, key) ?? location);
  }
  return [value];
}
function moduleDefaultsOf(value, location) {
  if (value === void 0 || value === null)
    return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry, index) => {
    const where = Array.isArray(value) ? locationOf(value, index) ?? location : location;
    if (!isMapping(entry))
      throw new InputError(`module_defaults must be a mapping of module names to their default arguments, got ${JSON.stringify(entry)}`, where);
    for (const [name, args] of Object.entries(entry)) {
      const at = locationOf(entry, name) ?? where;
      if (name.startsWith("group/"))
        throw new InputError(`module_defaults for action groups ('${name}') are not supported: name the modules themselves`, at);
      if (!isMapping(args))
        throw new InputError(`module_defaults for '${name}' must be a mapping of arguments, got ${JSON.stringify(args)}`, at);
    }
    return { defaults: entry, location: where };
  });
}
function remoteUserOf(value, location) {
  if (value === void 0 || value === null)
    return void 0;
  if (typeof value !== "string" && typeof value !== "number")
    throw new InputError(`remote_user must be a user name, got ${JSON.stringify(value)}`, location);
  return String(value);
}
function portOf(value, location) {
  if (value === void 0 || value === null)
    return void 0;
  if (typeof value === "string" && isTemplated2(value))
    return value;
  const port = typeof value === "number" ? value : typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InputError(`port must be a port number between 1 and 65535, got ${JSON.stringify(value)}`, location);
  return port;
}
function connectionOf(value, location) {
  if (value === void 0 || value === null)
    return void 0;
  if (typeof value === "string" && CONNECTIONS.includes(value))
    return value === "local" ? "local" : "ssh";
  const hint = typeof value === "string" ? didYouMean(value, CONNECTIONS) : "";
  throw new InputError(`connection ${JSON.stringify(value)} is not supported: runbook connects with ssh or local${hint}`, location);
}
function parseImportTasks(raw, key, fallback, ctx) {
  const location = locationOf(raw) ?? fallback;
  const at = (k) => locationOf(raw, k) ?? location;
  for (const k of Object.keys(raw)) {
    if (k === "loop" || k.startsWith("with_"))
      throw new InputError(`import_tasks cannot loop (it is read before any host runs); use include_tasks`, at(k));
    if (k !== key && !INHERITED_KEYWORDS.includes(k))
      throw new InputError(`'${k}' is not a keyword of import_tasks${didYouMean(k, INHERITED_KEYWORDS)}`, at(k));
  }
  const value = raw[key];
  const named = isMapping(value) ? value.file : value;
  const where = valueLocationOf(raw, key) ?? at(key);
  if (typeof named !== "string" || named === "")
    throw new InputError(`import_tasks needs a file name`, where);
  if (isTemplated2(named))
    throw new InputError(`import_tasks is read before any host runs, so its file name cannot be templated ('${named}'); use include_tasks`, where);
  const entries = loadTaskFile(named, ctx, { ...ctx, inherited: inheritFrom(raw, ctx.inherited ?? NOTHING_INHERITED, at) }, "import_tasks", where);
  return { kind: "block", name: raw.name === void 0 || raw.name === null ? `import_tasks ${named}` : String(raw.name), block: entries, rescue: [], always: [], location };
}
function includer(task, ctx, raw) {
  const value = raw[Object.keys(raw).find((k) => ctx.registry.get(k)?.name === "include_tasks")];
  const applyRaw = isMapping(value) ? value.apply : isMapping(raw.args) ? raw.args.apply : void 0;
  const applyAt = (k) => (isMapping(applyRaw) ? locationOf(applyRaw, k) : void 0) ?? task.location;
  if (applyRaw !== void 0 && applyRaw !== null) {
    if (!isMapping(applyRaw))
      throw new InputError("apply must be a mapping of block keywords (tags, become, ...)", task.location);
    for (const k of Object.keys(applyRaw))
      if (!INHERITED_KEYWORDS.includes(k))
        throw new InputError(`'${k}' is not a keyword apply can pass down${didYouMean(k, INHERITED_KEYWORDS)}`, applyAt(k));
  }
  const parent = ctx.inherited ?? NOTHING_INHERITED;
  const applied = isMapping(applyRaw) ? inheritFrom(applyRaw, parent, applyAt) : parent;
  const ownVars = mapping(raw.vars, "vars", locationOf(raw, "vars") ?? task.location);
  return (file, vars) => loadTaskFile(file, ctx, { ...ctx, inherited: { ...applied, vars: { ...applied.vars, ...task.vars, ...vars }, includeParams: { ...parent.includeParams, ...ownVars, ...vars } } }, "include_tasks", task.location);
}
var MAX_INCLUDE_DEPTH = 64;
function loadTaskFile(named, from, into, what, where) {
  const candidates = isAbsolute2(named) ? [named] : [.../* @__PURE__ */ new Set([resolve2(dirname(from.file), named), resolve2(from.baseDir, named)])];
  const path = candidates.find((c) => existsSync2(c));
  if (!path)
    throw new InputError(`${what}: file '${named}' not found (looked for ${candidates.join(", ")})`, where);
  const chain = from.chain ?? [from.file];
  if (what === "include_tasks") {
    if (chain.length > MAX_INCLUDE_DEPTH)
      throw new InputError(`include_tasks nested more than ${MAX_INCLUDE_DEPTH} deep (${path}); a file that includes itself needs a when that ends the recursion`, where);
  } else if (chain.includes(path))
    throw new InputError(`${what}: circular import of ${path} (${[...chain, path].join(" \u2192 ")})`, where);
  const data = loadYamlFile(path);
  if (data === null || data === void 0)
    return [];
  if (!Array.isArray(data))
    throw new InputError(`a task file must be a list of tasks`, locationOf(data) ?? { file: path, line: 1, column: 1 });
  return parseEntries(data, "tasks", { file: path, line: 1, column: 1 }, { ...into, file: path, chain: [...chain, path] });
}
function parseBlock(raw, fallback, ctx) {
  const location = locationOf(raw) ?? fallback;
  const at = (key) => locationOf(raw, key) ?? location;
  if (ctx.isHandler)
    throw new InputError("blocks in handlers are not supported", at("block"));
  for (const key of Object.keys(raw)) {
    if (UNSUPPORTED_BLOCK_KEYWORDS[key])
      throw new InputError(UNSUPPORTED_BLOCK_KEYWORDS[key], at(key));
    if (!BLOCK_KEYWORDS.includes(key))
      throw new InputError(`'${key}' is not a block keyword${didYouMean(key, BLOCK_KEYWORDS)} (a block holds tasks; put the module in a task under block:)`, at(key));
  }
  const inner = { ...ctx, inherited: inheritFrom(raw, ctx.inherited ?? NOTHING_INHERITED, at) };
  const block = {
    kind: "block",
    block: parseEntries(raw.block, "block", at("block"), inner),
    rescue: parseEntries(raw.rescue, "rescue", at("rescue"), inner),
    always: parseEntries(raw.always, "always", at("always"), inner),
    location
  };
  if (raw.name !== void 0 && raw.name !== null)
    block.name = String(raw.name);
  return block;
}
function parseTask(written, fallback, ctx) {
  const kind = ctx.isHandler ? "handler" : "task";
  if (!isMapping(written))
    throw new InputError(`a ${kind} must be a mapping (name:, a module, ...)`, fallback);
  const location = locationOf(written) ?? fallback;
  const at = (key) => locationOf(written, key) ?? ("local_action" in written ? locationOf(written, "local_action") : void 0) ?? location;
  const raw = "local_action" in written ? localAction(written, at("local_action")) : "action" in written ? actionKeyword(written, at("action")) : written;
  const moduleKeys = [];
  for (const key of Object.keys(raw)) {
    if (UNSUPPORTED_KEYWORDS[key])
      throw new InputError(UNSUPPORTED_KEYWORDS[key], at(key));
    if (key.startsWith("with_") && key !== "with_items")
      throw new InputError(`'${key}' is not supported: use loop: with a lookup (loop: "{{ query('${key.slice(5)}', ...) }}") or with_items`, at(key));
    if (key === "listen" && !ctx.isHandler)
      throw new InputError(`'listen' is only for handlers`, at(key));
    if (TASK_KEYWORDS.includes(key))
      continue;
    if (!ctx.registry.get(key)) {
      const hint = didYouMean(key, [...TASK_KEYWORDS, ...ctx.registry.names()]);
      throw new InputError(`unknown ${kind} keyword or module '${key}'${hint}`, at(key));
    }
    moduleKeys.push(key);
  }
  if (moduleKeys.length === 0)
    throw new InputError(`${kind} has no module (expected one of: ${moduleNames(ctx.registry)})`, location);
  if (moduleKeys.length > 1)
    throw new InputError(`${kind} has two modules, '${moduleKeys[0]}' and '${moduleKeys[1]}'; use one per ${kind}`, at(moduleKeys[1]));
  const moduleKey = moduleKeys[0];
  const module = ctx.registry.get(moduleKey);
  const inherited = ctx.inherited ?? NOTHING_INHERITED;
  const moduleDefaults = [...inherited.moduleDefaults ?? [], ...moduleDefaultsOf(raw.module_defaults, at("module_defaults"))];
  const defaults = moduleDefaults.flatMap(({ defaults: entry }) => Object.entries(entry).filter(([name]) => ctx.registry.get(name)?.name === module.name).map(([name, args2]) => ({ node: entry, key: name, args: args2 })));
  const args = moduleArgs(raw, moduleKey, module, location, defaults);
  checkSourceFile(module.name, args.values, args.origins, ctx.baseDir);
  const validationError = argRuleError(module, args.values) ?? module.validate?.(args.values);
  if (validationError)
    throw new InputError(`${module.name}: ${validationError}`, at(moduleKey));
  const loops = ["loop", "with_items"].filter((k) => k in raw);
  if (loops.length > 1)
    throw new InputError(`use either loop or with_items, not both`, at(loops[1]));
  const loopControl = raw.loop_control;
  if (loopControl !== void 0 && loopControl !== null) {
    if (!isMapping(loopControl))
      throw new InputError("loop_control must be a mapping", at("loop_control"));
    for (const key of Object.keys(loopControl)) {
      if (!LOOP_CONTROL_KEYS.includes(key))
        throw new InputError(`unsupported loop_control '${key}'${didYouMean(key, LOOP_CONTROL_KEYS)}`, locationOf(loopControl, key) ?? at("loop_control"));
    }
  }
  const loopVar = isMapping(loopControl) && loopControl.loop_var !== void 0 ? identifier(loopControl.loop_var, "loop_var", locationOf(loopControl, "loop_var") ?? location) : "item";
  const task = {
    name: raw.name === void 0 || raw.name === null ? summariseTask(module, args.values, flag(raw.no_log, "no_log", at("no_log")) ?? false) : String(raw.name),
    module: module.name,
    args: args.values,
    vars: { ...inherited.vars, ...mapping(raw.vars, "vars", at("vars")) },
    when: [...inherited.when, ...conditions(raw.when, "when", at("when")) ?? []],
    tags: [.../* @__PURE__ */ new Set([...tagList(raw.tags, at("tags")), ...inherited.tags])],
    notify: stringList(raw.notify, "notify", at("notify")),
    loopVar,
    runOnce: flag(raw.run_once, "run_once", at("run_once")) ?? inherited.runOnce ?? false,
    ignoreErrors: flag(raw.ignore_errors, "ignore_errors", at("ignore_errors")) ?? inherited.ignoreErrors ?? false,
    noLog: flag(raw.no_log, "no_log", at("no_log")) ?? inherited.noLog ?? false,
    listen: stringList(raw.listen, "listen", at("listen")),
    location
  };
  if (raw.register !== void 0 && raw.register !== null)
    task.register = identifier(raw.register, "register", at("register"));
  if (raw.loop !== void 0)
    task.loop = raw.loop;
  if (raw.with_items !== void 0)
    task.loop = Array.isArray(raw.with_items) ? raw.with_items.flat(1) : raw.with_items;
  const changedWhen = conditions(raw.changed_when, "changed_when", at("changed_when"), true);
  if (changedWhen !== void 0)
    task.changedWhen = changedWhen;
  const failedWhen = conditions(raw.failed_when, "failed_when", at("failed_when"), true);
  if (failedWhen !== void 0)
    task.failedWhen = failedWhen;
  const become = flag(raw.become, "become", at("become")) ?? inherited.become;
  if (become !== void 0)
    task.become = become;
  if (raw.become_user !== void 0 && raw.become_user !== null)
    task.becomeUser = String(raw.become_user);
  else if (inherited.becomeUser !== void 0)
    task.becomeUser = inherited.becomeUser;
  const checkMode = flag(raw.check_mode, "check_mode", at("check_mode")) ?? inherited.checkMode;
  if (checkMode !== void 0)
    task.checkMode = checkMode;
  executionKeywords(raw, task, at);
  if (isMapping(loopControl) && loopControl.index_var !== void 0 && loopControl.index_var !== null)
    task.indexVar = identifier(loopControl.index_var, "index_var", locationOf(loopControl, "index_var") ?? location);
  if (isMapping(loopControl) && loopControl.extended !== void 0)
    task.loopExtended = flag(loopControl.extended, "extended", locationOf(loopControl, "extended") ?? location);
  const environment = [...inherited.environment ?? [], ...environmentOf(raw.environment, at("environment"))];
  if (environment.length > 0)
    task.environment = environment;
  const remoteUser = remoteUserOf(raw.remote_user, at("remote_user")) ?? inherited.remoteUser;
  if (remoteUser !== void 0)
    task.remoteUser = remoteUser;
  const port = portOf(raw.port, at("port")) ?? inherited.port;
  if (port !== void 0)
    task.port = port;
  const connection = connectionOf(raw.connection, at("connection")) ?? inherited.connection;
  if (connection !== void 0)
    task.connection = connection;
  collectionsOf(raw.collections, at("collections"));
  becomeMethodOf(raw.become_method, at("become_method"));
  if (inherited.includeParams && Object.keys(inherited.includeParams).length > 0)
    task.includeParams = inherited.includeParams;
  if (ctx.role) {
    const layers = roleLayersOf(ctx.role);
    task.roleDefaults = layers.defaults;
    task.roleVars = layers.vars;
    if (Object.keys(layers.params).length > 0)
      task.roleParams = layers.params;
  }
  if (ctx.baseDir)
    task.baseDir = ctx.baseDir;
  if (ctx.handlerNames) {
    for (const name of task.notify) {
      if (isTemplated2(name) || ctx.handlerNames.has(name))
        continue;
      throw new InputError(`notify '${name}' names no handler of this play${didYouMean(name, ctx.handlerNames)}`, at("notify"));
    }
  }
  return task;
}
function executionKeywords(raw, task, at) {
  const until = conditions(raw.until, "until", at("until"));
  if (until !== void 0) {
    for (const condition of until)
      referencedVariables(condition, { expression: true, origin: { what: `until of task '${task.name}'`, location: at("until") } });
    task.until = until;
  }
  const retries = count(raw.retries, "retries", at("retries"), 0);
  if (retries !== void 0)
    task.retries = retries;
  const delay = count(raw.delay, "delay", at("delay"), 0);
  if (delay !== void 0)
    task.delay = delay;
  const timeout = count(raw.timeout, "timeout", at("timeout"), 0);
  if (timeout !== void 0)
    task.timeout = timeout;
  const throttle = count(raw.throttle, "throttle", at("throttle"), 0);
  if (throttle !== void 0)
    task.throttle = throttle;
  if (raw.delegate_to !== void 0 && raw.delegate_to !== null) {
    if (typeof raw.delegate_to !== "string" || raw.delegate_to.trim() === "")
      throw new InputError(`delegate_to must be a host name, got ${JSON.stringify(raw.delegate_to)}`, at("delegate_to"));
    task.delegateTo = raw.delegate_to.trim();
    task.delegateLocation = at("delegate_to");
  }
  task.delegateFacts = flag(raw.delegate_facts, "delegate_facts", at("delegate_facts")) ?? false;
  task.ignoreUnreachable = flag(raw.ignore_unreachable, "ignore_unreachable", at("ignore_unreachable")) ?? false;
  const fatal = flag(raw.any_errors_fatal, "any_errors_fatal", at("any_errors_fatal"));
  if (fatal !== void 0)
    task.anyErrorsFatal = fatal;
}
function count(value, what, location, min) {
  if (value === void 0 || value === null)
    return void 0;
  if (typeof value === "string" && isTemplated2(value))
    return value;
  const number = typeof value === "number" ? value : typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number))
    throw new InputError(`${what} must be a whole number, got ${JSON.stringify(value)}`, location);
  if (number < min)
    throw new InputError(`${what} must be ${min} or more, got ${number}`, location);
  return number;
}
function actionKeyword(raw, location) {
  return moduleKeyword(raw, "action", location);
}
function collectionsOf(value, location) {
  if (value === void 0 || value === null)
    return;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((c) => typeof c === "string"))
    throw new InputError("collections must be a list of collection names", location);
}
function becomeMethodOf(value, location) {
  if (value === void 0 || value === null || value === "sudo")
    return;
  throw new InputError(`become_method ${JSON.stringify(value)} is not supported: runbook becomes other users with sudo only`, location);
}
function localAction(raw, location) {
  if ("delegate_to" in raw)
    throw new InputError("local_action and delegate_to cannot be used together", location);
  return { ...moduleKeyword(raw, "local_action", location), delegate_to: "localhost" };
}
function moduleKeyword(raw, keyword, location) {
  const value = raw[keyword];
  const { [keyword]: _dropped, ...rest } = raw;
  let module;
  let args;
  if (typeof value === "string") {
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(value);
    module = match?.[1];
    args = match?.[2] ?? "";
  } else if (isMapping(value)) {
    const { module: name, ...others } = value;
    module = name;
    args = others;
  }
  if (typeof module !== "string" || module === "")
    throw new InputError(`${keyword} needs a module: ${keyword}: <module> <arguments>, or a mapping with module:`, location);
  if (module in rest)
    throw new InputError(`task has two modules, '${module}' (in ${keyword}) and '${module}'`, location);
  return { ...rest, [module]: args };
}
function moduleArgs(raw, moduleKey, module, taskLocation, defaults = []) {
  const inline = raw[moduleKey];
  const moduleLocation = locationOf(raw, moduleKey) ?? taskLocation;
  const given2 = {};
  const sourceOfKey = /* @__PURE__ */ new Map();
  for (const { args } of defaults) {
    for (const [key, value] of Object.entries(args)) {
      given2[key] = value;
      sourceOfKey.set(key, { node: args, key });
    }
  }
  const extra = raw.args;
  if (extra !== void 0 && extra !== null) {
    if (!isMapping(extra))
      throw new InputError("args must be a mapping", locationOf(raw, "args") ?? taskLocation);
    for (const [key, value] of Object.entries(extra)) {
      given2[key] = value;
      sourceOfKey.set(key, { node: extra, key });
    }
  }
  if (typeof inline === "string") {
    const valueLocation = valueLocationOf(raw, moduleKey) ?? moduleLocation;
    const isKnown = (key) => key in module.args || Object.values(module.args).some((spec) => spec.aliases?.includes(key));
    if (module.freeForm) {
      const { raw: text, args } = parseFreeForm(inline, isKnown);
      if (text) {
        given2[RAW_PARAMS] = text;
        sourceOfKey.set(RAW_PARAMS, valueLocation);
      }
      for (const [key, value] of Object.entries(args))
        given2[key] = value, sourceOfKey.set(key, valueLocation);
    } else {
      const { args, stray } = parseKeyValues(inline);
      if (stray !== void 0)
        throw new InputError(`module '${module.name}' takes key=value arguments or a mapping, not free text ('${stray}')`, valueLocation);
      for (const [key, value] of Object.entries(args))
        given2[key] = value, sourceOfKey.set(key, valueLocation);
    }
  } else if (isMapping(inline)) {
    for (const [key, value] of Object.entries(inline)) {
      given2[key] = value;
      sourceOfKey.set(key, { node: inline, key });
    }
  } else if (inline !== null && inline !== void 0) {
    throw new InputError(`arguments of module '${module.name}' must be a mapping${module.freeForm ? " or a command line" : " or key=value text"}`, moduleLocation);
  }
  const origins = {
    location(key) {
      const source = sourceOfKey.get(key);
      if (!source)
        return moduleLocation;
      return "node" in source ? locationOf(source.node, source.key) ?? moduleLocation : source;
    },
    valueLocation(key) {
      const source = sourceOfKey.get(key);
      if (!source)
        return moduleLocation;
      return "node" in source ? valueLocationOf(source.node, source.key) ?? moduleLocation : source;
    },
    writtenAs(key) {
      const source = sourceOfKey.get(key);
      return source && "node" in source ? sourceTextOf(source.node, source.key) : void 0;
    }
  };
  return { values: normaliseArgs(module, given2, origins), origins };
}
function checkSourceFile(moduleName, args, origins, baseDir) {
  if (moduleName !== "template" && moduleName !== "copy")
    return;
  const src = args.src;
  if (typeof src !== "string" || isTemplated2(src))
    return;
  if (moduleName === "copy" && toBoolean(args.remote_src) === true)
    return;
  if (resolveSourceFile(baseDir, moduleName, src))
    return;
  const tried = sourceFileCandidates(baseDir, moduleName, src).join(", ");
  throw new InputError(`${moduleName} source '${src}' not found (looked for ${tried})`, origins.valueLocation("src"));
}
var NAMING_ARGS = ["dest", "path", "name"];
function summariseTask(module, args, noLog) {
  if (noLog)
    return module.name;
  const parts = [];
  if (typeof args[RAW_PARAMS] === "string")
    parts.push(args[RAW_PARAMS]);
  else if (module.freeForm && typeof args.cmd === "string")
    parts.push(args.cmd);
  else {
    const key = NAMING_ARGS.find((k) => typeof args[k] === "string" && module.args[k]?.noLog !== true);
    if (key)
      parts.push(args[key]);
  }
  const summary = parts.join(" ").replace(/\n+/g, " ");
  const short = summary.length > 60 ? `${summary.slice(0, 57)}...` : summary;
  return short ? `${module.name} ${short}` : module.name;
}
function moduleNames(registry) {
  return registry.names().filter((n) => !n.includes(".")).join(", ");
}
function isMapping(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function mapping(value, what, location) {
  if (value === void 0 || value === null)
    return {};
  if (!isMapping(value))
    throw new InputError(`${what} must be a mapping`, location);
  return value;
}
function flag(value, what, location) {
  if (value === void 0 || value === null)
    return void 0;
  const bool = toBoolean(value);
  if (bool === void 0)
    throw new InputError(`${what} must be true or false, got ${JSON.stringify(value)}`, location);
  return bool;
}
function stringList(value, what, location) {
  if (value === void 0 || value === null)
    return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === "string" || typeof item === "number")
      return String(item);
    throw new InputError(`${what} must be a string or a list of strings`, location);
  });
}
function tagList(value, location) {
  const list = typeof value === "string" ? value.split(",") : stringList(value, "tags", location);
  return [...new Set(list.map((t) => t.trim()).filter(Boolean))];
}
function conditions(value, what, location, keepBoolean = false) {
  if (value === void 0 || value === null)
    return void 0;
  if (typeof value === "boolean")
    return keepBoolean ? value : [String(value)];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === "string")
      return item;
    if (typeof item === "boolean" || typeof item === "number")
      return String(item);
    throw new InputError(`${what} must be an expression, a list of expressions or a boolean`, location);
  });
}
function identifier(value, what, location) {
  if (typeof value !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new InputError(`${what} must be a variable name, got ${JSON.stringify(value)}`, location);
  }
  return value;
}

// dist/lib/playbook/load.js
var PLAY_KEYWORDS = [
  "name",
  "hosts",
  "vars",
  "vars_files",
  "tags",
  "become",
  "become_user",
  "pre_tasks",
  "roles",
  "tasks",
  "post_tasks",
  "handlers",
  "gather_facts",
  "gather_subset",
  "gather_timeout",
  "serial",
  "strategy",
  "max_fail_percentage",
  "any_errors_fatal",
  "remote_user",
  "port",
  "connection",
  "environment",
  "module_defaults",
  "no_log",
  "ignore_errors",
  "check_mode",
  "run_once",
  "collections",
  "become_method",
  "order"
];
var UNSUPPORTED_PLAY_KEYWORDS = {
  include_playbook: `'include_playbook' is not supported (removed from Ansible too): use import_playbook`,
  vars_prompt: `'vars_prompt' is not supported: runbook never stops to ask; pass the variables with -e`,
  force_handlers: `'force_handlers' is not supported: handlers of a failed host do not run`,
  fact_path: `'fact_path' is not supported: runbook does not gather local facts (facts.d)`,
  ...unsupportedAnsibleKeywords(["ignore_unreachable", "throttle", "timeout", "debugger", "diff", "become_flags", "become_exe", "delegate_to", "delegate_facts"], " on a play (set it on the tasks)")
};
var STRATEGIES = ["linear", "free"];
function loadPlaybookFile(file, registry, options = {}) {
  return parsePlaybook(loadYamlFile(file), file, registry, { chain: [resolve3(file)], rolesPath: options.rolesPath ?? [], privateRoleVars: options.privateRoleVars, tags: [], when: [], vars: {} });
}
var IMPORT_PLAYBOOK = ["import_playbook", "ansible.builtin.import_playbook"];
var IMPORT_PLAYBOOK_KEYWORDS = ["name", "tags", "vars", "when"];
function parsePlaybook(data, file, registry, imported) {
  const start = { file, line: 1, column: 1 };
  if (data === null || data === void 0)
    throw new InputError("playbook has no plays", start);
  if (!Array.isArray(data))
    throw new InputError("a playbook must be a list of plays (- hosts: ...)", locationOf(data) ?? start);
  const baseDir = dirname2(resolve3(file));
  const outer = imported ?? { chain: [resolve3(file)], rolesPath: [], tags: [], when: [], vars: {} };
  return data.flatMap((entry, index) => {
    const location = locationOf(data, index) ?? start;
    const key = isMapping(entry) ? IMPORT_PLAYBOOK.find((k) => k in entry) : void 0;
    if (key)
      return importPlaybook(entry, key, location, baseDir, registry, outer);
    return [parsePlay(entry, location, { registry, file, baseDir }, outer)];
  });
}
function importPlaybook(raw, key, location, baseDir, registry, outer) {
  const at = (k) => locationOf(raw, k) ?? location;
  for (const k of Object.keys(raw)) {
    if (k !== key && !IMPORT_PLAYBOOK_KEYWORDS.includes(k))
      throw new InputError(`'${k}' is not a keyword of import_playbook${didYouMean(k, IMPORT_PLAYBOOK_KEYWORDS)}`, at(k));
  }
  const named = raw[key];
  const where = valueLocationOf(raw, key) ?? at(key);
  if (typeof named !== "string" || named === "")
    throw new InputError("import_playbook needs a file name", where);
  if (isTemplated2(named))
    throw new InputError(`import_playbook is read before any host runs, so its file name cannot be templated ('${named}')`, where);
  const path = resolve3(baseDir, named);
  if (!existsSync3(path))
    throw new InputError(`import_playbook: file '${named}' not found (looked for ${path})`, where);
  if (outer.chain.includes(path))
    throw new InputError(`import_playbook: circular import of ${path} (${[...outer.chain, path].join(" \u2192 ")})`, where);
  const when = raw.when === void 0 || raw.when === null ? [] : Array.isArray(raw.when) ? raw.when.map(String) : [String(raw.when)];
  return parsePlaybook(loadYamlFile(path), path, registry, {
    chain: [...outer.chain, path],
    rolesPath: outer.rolesPath,
    privateRoleVars: outer.privateRoleVars,
    tags: [.../* @__PURE__ */ new Set([...outer.tags, ...tagList(raw.tags, at("tags"))])],
    when: [...outer.when, ...when],
    vars: { ...outer.vars, ...mapping(raw.vars, "vars", at("vars")) }
  });
}
function parsePlay(raw, fallback, ctx, imported) {
  if (!isMapping(raw))
    throw new InputError("a play must be a mapping (hosts:, tasks:, ...)", fallback);
  const location = locationOf(raw) ?? fallback;
  const at = (key) => locationOf(raw, key) ?? location;
  for (const key of Object.keys(raw)) {
    if (UNSUPPORTED_PLAY_KEYWORDS[key])
      throw new InputError(UNSUPPORTED_PLAY_KEYWORDS[key], at(key));
    if (key === "when")
      throw new InputError(`'when' is not a play keyword (as in Ansible): put it on the tasks, a block, or the import_playbook`, at(key));
    if (!PLAY_KEYWORDS.includes(key))
      throw new InputError(`unknown play keyword '${key}'${didYouMean(key, PLAY_KEYWORDS)}`, at(key));
  }
  const hosts = hostPattern(raw.hosts, "hosts" in raw ? at("hosts") : location);
  const tags = [.../* @__PURE__ */ new Set([...tagList(raw.tags, at("tags")), ...imported.tags])];
  const vars = { ...mapping(raw.vars, "vars", at("vars")), ...varsFiles(raw.vars_files, ctx.baseDir, at("vars_files")), ...imported.vars };
  const passedDown = Object.fromEntries(["no_log", "ignore_errors", "check_mode", "run_once", "environment", "module_defaults"].filter((k) => k in raw).map((k) => [k, raw[k]]));
  const inherited = { ...inheritFrom(passedDown, NOTHING_INHERITED, at), tags };
  const handlerItems = taskList(raw.handlers, "handlers", at("handlers"));
  const handlers = handlerItems.map(([item, itemLocation]) => parseTask(item, itemLocation, { ...ctx, isHandler: true, inherited }));
  const handlerNames = new Set(handlers.flatMap((h) => [h.name, ...h.listen]));
  const roles = { searchPath: roleSearchPath(ctx.baseDir, imported.rolesPath), seen: /* @__PURE__ */ new Set(), handlers: [], handlersOf: /* @__PURE__ */ new Set(), handlerNames, public: [] };
  const taskCtx = { ...ctx, isHandler: false, handlerNames, inherited: { ...inherited, when: imported.when }, chain: imported.chain, roles };
  const roleList = taskList(raw.roles, "roles", at("roles"));
  const roleBlocks = roleList.flatMap(([item, itemLocation]) => roleEntries({ ...roleRef(item, itemLocation), exposed: true }, itemLocation, taskCtx, true));
  for (const [index, handler] of handlers.entries()) {
    for (const name of handler.notify) {
      if (isTemplated2(name) || handlerNames.has(name))
        continue;
      const where = locationOf(handlerItems[index][0], "notify") ?? handler.location;
      throw new InputError(`notify '${name}' names no handler of this play${didYouMean(name, handlerNames)}`, where);
    }
  }
  roles.handlers.push(...handlers);
  const section = (key) => parseEntries(raw[key], key, at(key), taskCtx);
  const flush = () => implicitFlush(location);
  const body = [...section("pre_tasks"), flush(), ...roleBlocks, ...section("tasks"), flush(), ...section("post_tasks"), flush()];
  const play = {
    name: raw.name === void 0 || raw.name === null ? hosts : String(raw.name),
    hosts,
    vars,
    tags,
    // Ansible's default; the engine decides what gathering means.
    gatherFacts: flag(raw.gather_facts, "gather_facts", at("gather_facts")) ?? true,
    anyErrorsFatal: flag(raw.any_errors_fatal, "any_errors_fatal", at("any_errors_fatal")) ?? false,
    gatherSubset: gatherSubset(raw.gather_subset, at("gather_subset")),
    body,
    tasks: flattenEntries(body).filter((t) => !t.implicit),
    // The same list include_role adds a role's handlers to at run time.
    handlers: roles.handlers,
    location,
    baseDir: ctx.baseDir,
    publicRoles: roles.public
  };
  const privateRoleVars = imported.privateRoleVars ?? envFlag(process.env.ANSIBLE_PRIVATE_ROLE_VARS);
  if (privateRoleVars)
    play.privateRoleVars = true;
  const remoteUser = raw.remote_user;
  if (remoteUser !== void 0 && remoteUser !== null) {
    if (typeof remoteUser !== "string" && typeof remoteUser !== "number")
      throw new InputError(`remote_user must be a user name, got ${JSON.stringify(remoteUser)}`, at("remote_user"));
    play.remoteUser = String(remoteUser);
  }
  const port = portOf(raw.port, at("port"));
  if (port !== void 0)
    play.port = port;
  const connection = connectionOf(raw.connection, at("connection"));
  if (connection !== void 0)
    play.connection = connection;
  becomeMethodOf(raw.become_method, at("become_method"));
  if (raw.order !== void 0 && raw.order !== null && raw.order !== "inventory")
    throw new InputError(`order ${JSON.stringify(raw.order)} is not supported: hosts run in inventory order`, at("order"));
  if (raw.gather_timeout !== void 0 && raw.gather_timeout !== null && !(typeof raw.gather_timeout === "number" && raw.gather_timeout > 0))
    throw new InputError(`gather_timeout must be a number of seconds, got ${JSON.stringify(raw.gather_timeout)}`, at("gather_timeout"));
  const become = flag(raw.become, "become", at("become"));
  if (become !== void 0)
    play.become = become;
  if (raw.become_user !== void 0 && raw.become_user !== null)
    play.becomeUser = String(raw.become_user);
  const serial = serialOf(raw.serial, at("serial"));
  if (serial !== void 0)
    play.serial = serial;
  if (raw.strategy !== void 0 && raw.strategy !== null)
    play.strategy = strategyOf(raw.strategy, at("strategy"));
  if (raw.max_fail_percentage !== void 0 && raw.max_fail_percentage !== null) {
    const pct = typeof raw.max_fail_percentage === "string" && /^\s*\d+(\.\d+)?%?\s*$/.test(raw.max_fail_percentage) ? Number(raw.max_fail_percentage.replace("%", "")) : raw.max_fail_percentage;
    if (typeof pct !== "number" || !(pct >= 0 && pct <= 100))
      throw new InputError(`max_fail_percentage must be a number from 0 to 100, got ${JSON.stringify(raw.max_fail_percentage)}`, at("max_fail_percentage"));
    play.maxFailPercentage = pct;
  }
  return play;
}
function envFlag(value) {
  return value !== void 0 && ["1", "true", "yes", "on", "t", "y"].includes(value.trim().toLowerCase());
}
function strategyOf(value, location) {
  if (typeof value === "string" && STRATEGIES.includes(value))
    return value;
  throw new InputError(`strategy must be one of ${STRATEGIES.join(", ")}, got ${JSON.stringify(value)}${typeof value === "string" ? didYouMean(value, STRATEGIES) : ""}`, location);
}
function serialOf(value, location) {
  if (value === void 0 || value === null)
    return void 0;
  if (typeof value === "string" && isTemplated2(value))
    return value;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0)
    throw new InputError("serial must be a count, a percentage or a non-empty list of them", location);
  return list.map((entry, index) => batchSize(entry, Array.isArray(value) ? locationOf(value, index) ?? location : location));
}
function batchSize(entry, location) {
  if (typeof entry === "string" && isTemplated2(entry))
    return entry;
  if (typeof entry === "string" && entry.trim().endsWith("%")) {
    const text = entry.trim().slice(0, -1).trim();
    if (!/^\d+(\.\d+)?$/.test(text))
      throw new InputError(`serial percentage must be a number of 0 or more followed by %, got ${JSON.stringify(entry)}`, location);
    return `${Number(text)}%`;
  }
  const number = typeof entry === "number" ? entry : typeof entry === "string" && /^\s*-?\d+\s*$/.test(entry) ? Number(entry) : NaN;
  if (!Number.isInteger(number))
    throw new InputError(`serial must be a whole number, a percentage ("20%") or a list of them, got ${JSON.stringify(entry)}`, location);
  if (number < 1)
    throw new InputError(`serial must be 1 or more (a batch of ${number} hosts would never finish), got ${number}`, location);
  return number;
}
function implicitFlush(location) {
  return builtTask({ name: "meta: flush_handlers", module: "meta", args: { [RAW_PARAMS]: "flush_handlers" }, implicit: true, location });
}
function hostPattern(value, location) {
  if (value === void 0 || value === null || value === "")
    throw new InputError(`play has no 'hosts' (e.g. hosts: all)`, location);
  if (typeof value === "string")
    return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string"))
    return value.join(",");
  throw new InputError(`hosts must be a host pattern string or a list of them`, location);
}
function taskList(value, what, location) {
  if (value === void 0 || value === null)
    return [];
  if (!Array.isArray(value))
    throw new InputError(`${what} must be a list`, location);
  return value.map((item, index) => [item, locationOf(value, index) ?? location]);
}
function varsFiles(value, baseDir, location) {
  if (value === void 0 || value === null)
    return {};
  const files = typeof value === "string" ? [value] : value;
  if (!Array.isArray(files))
    throw new InputError("vars_files must be a list of files", location);
  const vars = {};
  files.forEach((entry, index) => {
    const where = locationOf(files, index) ?? location;
    if (typeof entry !== "string")
      throw new InputError("vars_files entries must be file names", where);
    if (isTemplated2(entry))
      throw new InputError(`templated vars_files are not supported ('${entry}')`, where);
    let data;
    try {
      data = loadYamlFile(resolve3(baseDir, entry));
    } catch (error) {
      if (error instanceof InputError && !error.location)
        throw new InputError(error.message, where);
      throw error;
    }
    if (data === null || data === void 0)
      return;
    if (!isMapping(data))
      throw new InputError(`vars file '${entry}' must be a mapping of variables`, locationOf(data) ?? where);
    Object.assign(vars, data);
  });
  return vars;
}
function gatherSubset(value, location) {
  if (value === void 0 || value === null)
    return ["all"];
  const names = Array.isArray(value) ? value.map(String) : typeof value === "string" ? value.split(",") : void 0;
  if (!names)
    throw new InputError(`gather_subset must be a list or a comma-separated string, got ${JSON.stringify(value)}`, location);
  try {
    subsetParts(names);
  } catch (error) {
    throw new InputError(error.message, location);
  }
  return names.map((n) => n.trim());
}

// dist/lib/util/limiter.js
var Limiter = class {
  limit;
  active = 0;
  waiting = [];
  constructor(limit) {
    this.limit = limit;
  }
  async run(job) {
    if (this.active >= this.limit)
      await new Promise((resolve6) => this.waiting.push(resolve6));
    else
      this.active++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next();
      else
        this.active--;
    }
  }
};

// dist/lib/engine/host-run.js
import { readFileSync as readFileSync3 } from "node:fs";
import { homedir } from "node:os";

// dist/lib/transport/ssh.js
import { connect as tcpConnect } from "node:net";
import { Client } from "ssh2";

// dist/lib/transport/known-hosts.js
import { createHash, createHmac } from "node:crypto";
import { appendFileSync, existsSync as existsSync4, mkdirSync, readFileSync as readFileSync2 } from "node:fs";
import { dirname as dirname3 } from "node:path";
function knownHostsName(address, port) {
  return port === 22 ? address : `[${address}]:${port}`;
}
function fingerprint(blob) {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}
function knownHostsFor(file, name) {
  const keys = [];
  const revoked = [];
  if (!existsSync4(file))
    return { keys, revoked };
  for (const line of readFileSync2(file, "utf8").split("\n")) {
    let fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0].startsWith("#"))
      continue;
    const marker = fields[0].startsWith("@") ? fields[0] : void 0;
    if (marker)
      fields = fields.slice(1);
    if (fields.length < 3)
      continue;
    const [hosts, type, blob] = fields;
    if (marker === "@revoked")
      revoked.push({ type, blob });
    else if (marker === void 0 && hostListMatches(hosts, name))
      keys.push({ type, blob });
  }
  return { keys, revoked };
}
function hostListMatches(list, name) {
  let matched = false;
  for (const pattern of list.split(",")) {
    if (pattern.startsWith("!")) {
      if (hostMatches(pattern.slice(1), name))
        return false;
    } else if (hostMatches(pattern, name))
      matched = true;
  }
  return matched;
}
function hostMatches(pattern, name) {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  if (!/[*?]/.test(pattern))
    return pattern.toLowerCase() === name.toLowerCase();
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(name);
}
function recordKnownKey(file, name, key) {
  mkdirSync(dirname3(file), { recursive: true });
  appendFileSync(file, `${name} ${keyType(key)} ${key.toString("base64")}
`, { mode: 384 });
}
function keyType(blob) {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString("ascii");
}

// dist/lib/transport/types.js
var UnreachableError = class extends Error {
  name = "UnreachableError";
};
var InterruptedError = class extends Error {
  name = "InterruptedError";
};
var TimeoutError = class extends Error {
  name = "TimeoutError";
};
var StepFailure = class extends Error {
  step;
  name = "StepFailure";
  constructor(step, message) {
    super(message);
    this.step = step;
  }
};

// dist/lib/transport/scripts.js
import { randomBytes } from "node:crypto";
import { posix } from "node:path";
var WRITE_END = Buffer.from(".end\n");
function atomicWriteStep(path, size, options, sha256) {
  const target = shellQuote(path);
  const dir = posix.dirname(path);
  const temp = `${shellQuote(posix.join(dir, TEMP_PREFIX))}$$.${randomBytes(6).toString("hex")}`;
  const owner = options.owner === void 0 && options.group === void 0 ? void 0 : `${options.owner ?? ""}${options.group !== void 0 ? `:${options.group}` : ""}`;
  const shown = path.replace(/["\\$`]/g, "");
  return [
    removeStaleTemps(dir),
    `t=${temp}`,
    `umask 077; set -C; head -c ${size} > "$t"; s=$?; set +C; umask "$u"; [ $s -eq 0 ]`,
    // head -c reads no more than its bytes; read takes the end marker a byte at a time.
    `{ IFS= read -r w && [ "$w" = ${WRITE_END.toString().trim()} ]; } || { echo "short write to ${shown}: connection lost" >&2; false; }`,
    ...sha256 ? [`[ "$(sha256sum < "$t" | cut -c1-64)" = ${sha256} ] || { echo "${shown}: the source changed while it was sent" >&2; false; }`] : [],
    ...owner ? [`chown ${shellQuote(owner)} "$t"`] : [],
    `chmod ${shellQuote(options.mode ?? "0644")} "$t"`,
    `mv -f -- "$t" ${target}`,
    "t="
  ].join(" && ");
}
var TEMP_PREFIX = ".runbook.";
function removeStaleTemps(dir) {
  const pattern = `${shellQuote(posix.join(dir, TEMP_PREFIX))}[0-9]*.*`;
  return `{ [ -d /proc/self ] && for o in ${pattern}; do p=\${o##*/${TEMP_PREFIX}}; p=\${p%%.*}; case "$p" in ''|*[!0-9]*) continue;; esac; [ -f "$o" ] && [ ! -L "$o" ] && [ ! -d /proc/"$p" ] && rm -f -- "$o"; done; true; }`;
}
function combinedScript(steps, firstIndex) {
  const lines = [`u=$(umask); t=`, `trap '[ -n "$t" ] && rm -f -- "$t"' EXIT`, `trap 'exit 129' HUP INT TERM PIPE`];
  steps.forEach((step, i) => {
    lines.push(`{ ${step.script}
} && echo @${firstIndex + i} || exit 90`);
  });
  return lines.join("\n");
}
function lastStepMade(stdout) {
  const markers = stdout.match(/^@(\d+)$/gm);
  return markers ? Number(markers[markers.length - 1].slice(1)) : -1;
}
function readFileCommand(path) {
  return `cat -- ${shellQuote(path)}`;
}

// dist/lib/transport/queued.js
var QueuedTransport = class {
  stats = { connections: 0, roundTrips: 0 };
  pending = [];
  made = 0;
  /** Flushes one after another: two tasks delegated to this host may flush at once. */
  flushing = Promise.resolve();
  get stepsQueued() {
    return this.made + this.pending.length;
  }
  get stepsMade() {
    return this.made;
  }
  queue(step) {
    this.pending.push(step);
  }
  writeFile(path, content, options) {
    const streamed = !Buffer.isBuffer(content);
    this.queue({ script: atomicWriteStep(path, streamed ? content.size : content.length, options, streamed ? content.sha256 : void 0), stdin: [content, WRITE_END], privilege: options });
  }
  flush() {
    const next = this.flushing.then(() => this.flushQueued());
    this.flushing = next.catch(() => void 0);
    return next;
  }
  /** One exec per run of consecutive steps with the same privilege (sudo wraps a whole exec). */
  async flushQueued() {
    while (this.pending.length > 0) {
      const key = privilegeKey(this.pending[0].privilege);
      let count2 = 1;
      while (count2 < this.pending.length && privilegeKey(this.pending[count2].privilege) === key)
        count2++;
      const group = this.pending.slice(0, count2);
      const first = this.made;
      const result = await this.run(combinedScript(group, first), group[0].privilege, group.flatMap((s) => s.stdin === void 0 ? [] : Array.isArray(s.stdin) ? s.stdin : [s.stdin]));
      const last = lastStepMade(result.stdout.toString());
      if (result.code !== 0 || last !== first + count2 - 1) {
        const failed = Math.max(first, last + 1);
        this.made = failed;
        this.pending = [];
        throw new StepFailure(failed, result.stderr.toString().trim() || `exit ${result.code}`);
      }
      this.made += count2;
      this.pending = this.pending.slice(count2);
    }
  }
  /** Queued changes are made first: what a command sees must include them. */
  async exec(command, options = { become: false }) {
    await this.flush();
    if (options.timeoutMs === void 0)
      return this.run(options.deadline === void 0 ? command : killedAt(command, options.deadline), options);
    return this.runWithin(command, options, options.timeoutMs);
  }
  /**
   * A command with a time limit (a fact probe) is killed by the host itself, as task timeouts
   * are (killedAt: its whole process group, even when the connection is gone); the controller
   * waits a little longer for that, then gives up on the channel (a frozen host never answers).
   */
  async runWithin(command, options, timeoutMs) {
    const deadline = Math.min(options.deadline ?? Infinity, Date.now() + timeoutMs);
    const timedOut = () => new TimeoutError(`${this.host}: ${options.what ?? "command"} did not finish within ${timeoutMs / 1e3} s; stopped`);
    let result;
    try {
      result = await this.run(killedAt(command, deadline), { ...options, timeoutMs: timeoutMs + BACKSTOP_MS });
    } catch (error) {
      throw error instanceof TimeoutError ? timedOut() : error;
    }
    if (killedByTimeout(result, deadline))
      throw timedOut();
    return result;
  }
  async readFile(path, privilege = { become: false }) {
    const result = await this.exec(readFileCommand(path), privilege);
    if (result.code !== 0)
      throw new Error(`cannot read ${path}: ${result.stderr.toString().trim()}`);
    return result.stdout;
  }
};
function privilegeKey(privilege) {
  return privilege.become ? `become:${privilege.becomeUser ?? "root"}` : "login";
}
function killedAt(command, deadline) {
  const seconds = (Math.ceil(Math.max(0.1, (deadline - Date.now()) / 1e3) * 10) / 10 + 0.2).toFixed(1);
  return `timeout -k 1 ${seconds} /bin/sh -c ${shellQuote(command)}`;
}
var KILL_GRACE_MS = 1e3;
var BACKSTOP_MS = KILL_GRACE_MS + 2e3;
function killedByTimeout(result, deadline) {
  return (result.code === 124 || result.code === 137) && Date.now() >= deadline;
}
function abortReason(signal) {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? "aborted"));
}
async function sendInput(input, parts) {
  const write = async (chunk) => {
    if (!input.write(chunk))
      await new Promise((resolve6) => {
        const done = () => (input.off("drain", done), input.off("close", done), resolve6());
        input.on("drain", done);
        input.on("close", done);
      });
  };
  for (const part of parts) {
    if (input.destroyed || !input.writable)
      return;
    if (Buffer.isBuffer(part)) {
      if (part.length > 0)
        await write(part);
      continue;
    }
    const source = part.open();
    try {
      for await (const chunk of source) {
        if (input.destroyed || !input.writable)
          return;
        await write(chunk);
      }
    } finally {
      source.destroy?.();
    }
  }
  input.end();
}

// dist/lib/transport/ssh.js
var CHANNELS_PER_CONNECTION = 8;
var CONCURRENT_HANDSHAKES = 8;
var SHED_RETRIES = 3;
var handshakesBySshd = /* @__PURE__ */ new Map();
function handshakeSlots(address, port) {
  const key = `${address}:${port}`;
  let limiter = handshakesBySshd.get(key);
  if (!limiter)
    handshakesBySshd.set(key, limiter = new Limiter(CONCURRENT_HANDSHAKES));
  return limiter;
}
var DEFAULT_KEEPALIVE_MS = 15e3;
var KEEPALIVE_PROBES = 3;
var INTERRUPT_GRACE_MS = 3e3;
var ShedConnection = class extends UnreachableError {
};
var ALGORITHMS_BY_KEY_TYPE = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ecdsa-sha2-nistp384": ["ecdsa-sha2-nistp384"],
  "ecdsa-sha2-nistp521": ["ecdsa-sha2-nistp521"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]
};
var SshTransport = class extends QueuedTransport {
  target;
  channels = new Limiter(CHANNELS_PER_CONNECTION);
  client;
  closed = false;
  /** Channels running now, with whether they run through sudo: interrupt() stops them. */
  running = /* @__PURE__ */ new Map();
  interrupted = false;
  /** Why the live connection went away (keepalive timeout, reset), for the unreachable message. */
  lostReason;
  constructor(target) {
    super();
    this.target = target;
  }
  get host() {
    return this.target.host;
  }
  /** Opens the connection on first use; later calls share it. */
  connect() {
    if (this.interrupted)
      return Promise.reject(new InterruptedError(`${this.host}: interrupted`));
    this.client ??= handshakeSlots(this.target.address, this.target.port).run(() => this.handshakeWithRetries());
    return this.client;
  }
  async handshakeWithRetries() {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.handshake();
      } catch (error) {
        if (!(error instanceof ShedConnection) || attempt > SHED_RETRIES)
          throw error;
        await new Promise((resolve6) => setTimeout(resolve6, 50 * attempt));
      }
    }
  }
  handshake() {
    const { address, port, user, connectTimeoutMs } = this.target;
    const keepaliveMs = this.target.keepaliveMs ?? DEFAULT_KEEPALIVE_MS;
    const name = knownHostsName(address, port);
    const { keys: known, revoked } = knownHostsFor(this.target.knownHostsFile, name);
    let refusal;
    return new Promise((resolve6, reject) => {
      const socket = tcpConnect({ host: address, port });
      socket.setNoDelay(true);
      const client = new Client();
      let connected = false;
      let negotiated = false;
      socket.on("connect", () => connected = true);
      const fail = (message, shed = false) => {
        client.end();
        socket.destroy();
        reject(shed ? new ShedConnection(message) : new UnreachableError(message));
      };
      const timer = setTimeout(() => fail(`connect to ${address}:${port} timed out after ${connectTimeoutMs} ms`), connectTimeoutMs);
      socket.on("error", (err) => {
        clearTimeout(timer);
        fail(`cannot reach ${address}:${port}: ${err.message}`);
      });
      client.on("handshake", () => negotiated = true);
      let ready = false;
      client.on("ready", () => {
        clearTimeout(timer);
        ready = true;
        this.stats.connections++;
        this.lostReason = void 0;
        client.on("close", () => this.client = void 0);
        resolve6(client);
      });
      client.on("error", (err) => {
        clearTimeout(timer);
        if (ready) {
          this.lostReason = err.message === "Keepalive timeout" ? `no answer for ${Math.round(keepaliveMs / 1e3)} s (keepalive timeout)` : err.message;
          client.end();
          return;
        }
        const shed = connected && !negotiated && refusal === void 0;
        fail(refusal ?? `ssh to ${user}@${address}:${port} failed: ${err.message}`, shed);
      });
      const preferred = known.flatMap((k) => ALGORITHMS_BY_KEY_TYPE[k.type] ?? []);
      const config = {
        sock: socket,
        username: user,
        privateKey: this.target.privateKey,
        passphrase: this.target.passphrase,
        agent: this.target.agent,
        readyTimeout: connectTimeoutMs,
        // ssh2 gives up when more than keepaliveCountMax probes in a row go unanswered.
        keepaliveInterval: Math.max(100, Math.round(keepaliveMs / KEEPALIVE_PROBES)),
        keepaliveCountMax: KEEPALIVE_PROBES - 1,
        hostVerifier: (key) => {
          refusal = this.verifyHostKey(name, key, known, revoked);
          return refusal === void 0;
        }
      };
      if (preferred.length > 0)
        config.algorithms = { serverHostKey: preferred };
      client.connect(config);
    });
  }
  /** Returns why the key is refused, or undefined when it is trusted. */
  verifyHostKey(name, key, known, revoked) {
    const blob = key.toString("base64");
    const print = fingerprint(key);
    if (revoked.some((k) => k.blob === blob)) {
      return `host key for ${name} (${keyType(key)} ${print}) is marked @revoked in ${this.target.knownHostsFile}; refusing to connect.`;
    }
    if (known.some((k) => k.blob === blob))
      return void 0;
    if (known.length > 0) {
      return `host key for ${name} has CHANGED (now ${keyType(key)} ${print}); refusing to connect. Remove the old key from ${this.target.knownHostsFile} if the change is expected.`;
    }
    if (this.target.acceptNewHostKeys) {
      recordKnownKey(this.target.knownHostsFile, name, key);
      return void 0;
    }
    return `host key for ${name} is unknown (${keyType(key)} ${print}); add it to ${this.target.knownHostsFile} or pass --accept-new-host-keys`;
  }
  /** One command on its own channel. */
  async run(command, options, stdinParts = []) {
    const client = await this.connect();
    const { line, viaSudo, preamble } = privileged(options.cwd ? `cd ${shellQuote(options.cwd)} && ${command}` : command, options, this.target.user, this.target.becomePassword);
    const parts = [...preamble, ...options.stdin !== void 0 ? [Buffer.from(options.stdin)] : [], ...stdinParts];
    return this.channels.run(() => new Promise((resolve6, reject) => {
      if (this.interrupted)
        return reject(new InterruptedError(`${this.host}: interrupted`));
      this.stats.roundTrips++;
      client.exec(line, (err, stream) => {
        if (err)
          return reject(this.lostReason ? this.lost() : new UnreachableError(`${this.host}: ${err.message}`));
        this.running.set(stream, viaSudo);
        const stdout = new OutputBuffer(options.maxOutput);
        const stderr = new OutputBuffer(options.maxOutput);
        stream.on("data", (chunk) => stdout.add(chunk));
        stream.stderr.on("data", (chunk) => stderr.add(chunk));
        stream.on("error", () => void 0);
        const { signal: abort } = options;
        const giveUp = () => {
          const hard = setTimeout(() => stream.close(), KILL_GRACE_MS);
          stream.once("close", () => clearTimeout(hard));
        };
        abort?.addEventListener("abort", giveUp, { once: true });
        const timer = options.timeoutMs === void 0 ? void 0 : setTimeout(() => {
          reject(new TimeoutError(`${this.host}: ${options.what ?? "command"} did not finish within ${options.timeoutMs / 1e3} s; stopped waiting`));
          stream.close();
        }, options.timeoutMs);
        stream.on("close", (code, signal) => {
          if (timer)
            clearTimeout(timer);
          this.running.delete(stream);
          abort?.removeEventListener("abort", giveUp);
          if (this.interrupted)
            return reject(new InterruptedError(`${this.host}: interrupted`));
          if (abort?.aborted)
            return reject(abortReason(abort));
          if (code == null && !signal) {
            setImmediate(() => reject(this.lost()));
            return;
          }
          const dropped = stdout.dropped + stderr.dropped > 0 ? { stdout: stdout.dropped, stderr: stderr.dropped } : void 0;
          resolve6({ stdout: stdout.content(), stderr: stderr.content(), code: code ?? 128, ...dropped ? { dropped } : {} });
        });
        sendInput(stream, parts).catch((error) => {
          stream.stderr.emit("data", Buffer.from(`cannot read the content to send: ${error.message}
`));
          stream.close();
        });
      });
    }));
  }
  lost() {
    return new UnreachableError(`${this.host}: connection lost${this.lostReason ? `: ${this.lostReason}` : ""}`);
  }
  /**
   * SIGTERM to the process group of every command this connection runs on the host, so
   * nothing is left running there; a write in progress removes its temp file (its trap).
   * sshd's own `signal` request is refused for root logins, so one more exec does it: every
   * child of its sshd session leads a process group (sshd calls setsid), except itself.
   * Commands that do not end within the grace period lose their connection.
   */
  async interrupt() {
    this.interrupted = true;
    this.pending = [];
    const running = [...this.running];
    if (running.length === 0)
      return;
    const client = await this.client?.catch(() => void 0);
    if (!client)
      return;
    const ended = Promise.all(running.map(([stream]) => new Promise((resolve6) => stream.destroyed ? resolve6() : stream.once("close", () => resolve6()))));
    const killer = privileged(KILL_SESSION_GROUPS, { become: running.some(([, sudo]) => sudo) }, this.target.user, this.target.becomePassword);
    client.exec(killer.line, (err, stream) => {
      if (err)
        return;
      stream.on("data", () => void 0).stderr.on("data", () => void 0);
      void sendInput(stream, killer.preamble).catch(() => void 0);
    });
    let timer;
    await Promise.race([ended, new Promise((resolve6) => timer = setTimeout(resolve6, INTERRUPT_GRACE_MS))]);
    clearTimeout(timer);
    if (this.running.size > 0)
      client.end();
  }
  async close() {
    if (this.closed)
      return;
    this.closed = true;
    const client = await this.client?.catch(() => void 0);
    client?.end();
  }
};
function privileged(command, privilege, loginUser, becomePassword2) {
  const viaSudo = privilege.become && (privilege.becomeUser ?? "root") !== loginUser;
  const sendsPassword = viaSudo && becomePassword2 !== void 0;
  return { line: withPrivilege(command, privilege, loginUser, sendsPassword), viaSudo, preamble: sendsPassword ? [Buffer.from(`${becomePassword2}
`)] : [] };
}
function withPrivilege(command, privilege, loginUser, passwordOnStdin = false) {
  const user = privilege.becomeUser ?? "root";
  if (!privilege.become || user === loginUser)
    return command;
  const sudo = `sudo -n -H -u ${shellQuote(user)} -- sh -c ${shellQuote(command)}`;
  if (!passwordOnStdin)
    return sudo;
  return `IFS= read -r p; printf '%s\\n' "$p" | sudo -S -p '' -v 2>/dev/null; p=; ${sudo}; exit $?`;
}
var KILL_SESSION_GROUPS = [
  `field() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f"$2"; }`,
  'me=$(field $$ 4); s=$(field "$me" 2)',
  // Never init: a session leader whose sshd is gone was reparented there.
  '[ -n "$s" ] && [ "$s" -gt 1 ] || exit 0',
  // One awk over every stat line (a process per /proc entry would take seconds on a busy host).
  `for p in $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v s="$s" -v me="$me" '{ pid = $1; sub(/.*\\) /, ""); if ($2 == s && pid != me) print pid }'); do kill -TERM -- "-$p" 2>/dev/null; done; true`
].join("\n");
var OutputBuffer = class {
  limit;
  chunks = [];
  kept = 0;
  dropped = 0;
  constructor(limit = Infinity) {
    this.limit = limit;
  }
  add(chunk) {
    const room = this.limit - this.kept;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
    this.dropped += chunk.length - part.length;
  }
  content() {
    return Buffer.concat(this.chunks);
  }
};

// dist/lib/transport/local.js
import { spawn } from "node:child_process";
import { userInfo } from "node:os";
var LocalTransport = class extends QueuedTransport {
  host;
  becomePassword;
  /** Commands running now: interrupt() stops their process groups. */
  running = /* @__PURE__ */ new Set();
  interrupted = false;
  constructor(host, becomePassword2) {
    super();
    this.host = host;
    this.becomePassword = becomePassword2;
  }
  run(command, options, stdinParts = []) {
    if (this.interrupted)
      return Promise.reject(new InterruptedError(`${this.host}: interrupted`));
    const { line, preamble } = privileged(options.cwd ? `cd ${shellQuote(options.cwd)} && ${command}` : command, options, userInfo().username, this.becomePassword);
    const parts = [...preamble, ...options.stdin !== void 0 ? [Buffer.from(options.stdin)] : [], ...stdinParts];
    this.stats.roundTrips++;
    return new Promise((resolve6, reject) => {
      const child = spawn("/bin/sh", ["-c", line], { detached: true, stdio: ["pipe", "pipe", "pipe"] });
      this.running.add(child);
      const stdout = [];
      const stderr = [];
      const { signal: abort } = options;
      const kill = () => killGroup(child);
      abort?.addEventListener("abort", kill, { once: true });
      child.stdout.on("data", (chunk) => stdout.push(chunk));
      child.stderr.on("data", (chunk) => stderr.push(chunk));
      child.stdin.on("error", () => {
      });
      child.on("error", reject);
      child.on("close", (code, signal) => {
        this.running.delete(child);
        abort?.removeEventListener("abort", kill);
        if (this.interrupted)
          return reject(new InterruptedError(`${this.host}: interrupted`));
        if (abort?.aborted)
          return reject(abortReason(abort));
        resolve6({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), code: code ?? (signal ? 128 : 255) });
      });
      sendInput(child.stdin, parts).catch((error) => {
        stderr.push(Buffer.from(`cannot read the content to send: ${error.message}
`));
        killGroup(child);
      });
    });
  }
  /** SIGTERM (then SIGKILL) to the process group of every command running here; new work is refused. */
  async interrupt() {
    this.interrupted = true;
    this.pending = [];
    const running = [...this.running];
    await Promise.all(running.map((child) => new Promise((resolve6) => {
      if (child.exitCode !== null || child.signalCode !== null)
        return resolve6();
      child.once("close", () => resolve6());
      killGroup(child);
    })));
  }
  async close() {
  }
};
function killGroup(child) {
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
    }
  };
  signalGroup("SIGTERM");
  const hard = setTimeout(() => signalGroup("SIGKILL"), KILL_GRACE_MS);
  child.once("close", () => clearTimeout(hard));
}

// dist/lib/engine/facts.js
import { createHash as createHash2 } from "node:crypto";
var FactCache = class {
  transport;
  privilege;
  host;
  timeoutMs;
  entries = /* @__PURE__ */ new Map();
  wanted = /* @__PURE__ */ new Map();
  /** Paths tasks of this run wrote (or would write), with the content they predict when known. */
  predictedPaths = /* @__PURE__ */ new Map();
  fetching;
  constructor(transport, privilege, host, timeoutMs) {
    this.transport = transport;
    this.privilege = privilege;
    this.host = host;
    this.timeoutMs = timeoutMs;
  }
  want(requests) {
    for (const request of requests)
      this.wanted.set(requestKey(request), request);
  }
  /** A task has run: its facts need not be probed again after a later command. */
  unwant(requests) {
    for (const request of requests)
      this.wanted.delete(requestKey(request));
  }
  async get(request) {
    const key = requestKey(request);
    for (let attempt = 0; !this.entries.has(key); attempt++) {
      if (attempt > 2)
        throw new FactError(request.kind.name, `no answer for ${request.kind.key(request.param)}`, this.host);
      this.wanted.set(key, request);
      await this.fetch();
    }
    return this.entries.get(key).value;
  }
  async path(path) {
    return { ...await this.get(pathFact(path)) };
  }
  /** File content: a prediction if a task of this run wrote it, else read by a probe. Undefined when absent or unreadable. */
  async content(path) {
    if (this.predictedPaths.has(path))
      return this.predictedPaths.get(path);
    const state = await this.path(path);
    if (!state.exists || state.type !== "file")
      return void 0;
    const file = await this.get(fileContentFact(path));
    return file.readable ? file.content : void 0;
  }
  /** Record the state a task brings paths to (in dry-run too), so later tasks plan against it. */
  predict(states, contents = /* @__PURE__ */ new Map()) {
    for (const state of states) {
      const content = contents.get(state.path);
      const value = { ...state };
      if (content && !value.sha256)
        value.sha256 = createHash2("sha256").update(content).digest("hex");
      this.entries.set(requestKey(pathFact(state.path)), { request: pathFact(state.path), value, predicted: true });
      this.predictedPaths.set(state.path, content);
      for (const [key, entry] of this.entries) {
        if (entry.request.kind.forgetOnPathChanged?.(entry.request.param, state.path)) {
          this.entries.delete(key);
          continue;
        }
        const changed = entry.request.kind.onPathChanged?.(entry.value, entry.request.param, state.path);
        if (changed !== void 0 && changed !== entry.value)
          this.entries.set(key, { ...entry, value: changed, predicted: true });
      }
    }
  }
  /** Record the values a task brings other facts to (a unit started, a package installed). */
  predictFacts(values) {
    for (const { request, value } of values)
      this.entries.set(requestKey(request), { request, value, predicted: true });
  }
  /**
   * A command ran: anything may have changed. Wanted facts are probed again, together, when
   * next asked. A dry-run keeps its predictions: they stand for changes not made. Stable kinds
   * (gathered facts) are kept, as Ansible keeps them until the next setup.
   */
  invalidate(options = {}) {
    for (const [key, entry] of [...this.entries]) {
      if (entry.request.kind.stable || options.keepPredicted && entry.predicted)
        continue;
      this.entries.delete(key);
    }
    if (!options.keepPredicted)
      this.predictedPaths.clear();
  }
  /** One probe at a time: questions asked meanwhile go in the next one, or are answered by this one. */
  async fetch() {
    while (this.fetching)
      await this.fetching.catch(() => void 0);
    this.fetching = this.probe().finally(() => this.fetching = void 0);
    return this.fetching;
  }
  async probe() {
    const requests = [...this.wanted].filter(([key]) => !this.entries.has(key)).map(([, request]) => request);
    if (requests.length === 0)
      return;
    const plan = planProbe(requests);
    const transport = await this.transport();
    const result = await transport.exec(plan.script, { ...this.privilege, timeoutMs: this.timeoutMs, what: "fact probe" });
    let answers;
    try {
      answers = parseProbe(plan, result);
    } catch (error) {
      throw error instanceof FactError ? error.on(this.host) : error;
    }
    for (const request of requests) {
      let value = answers.get(requestKey(request));
      for (const path of this.predictedPaths.keys())
        value = request.kind.onPathChanged?.(value, request.param, path) ?? value;
      this.entries.set(requestKey(request), { request, value, predicted: false });
    }
  }
};

// dist/lib/engine/host-run.js
function connectionKey(connection) {
  return connection.local ? "local" : `${connection.user}@${connection.address}:${connection.port}`;
}
var HostRun = class _HostRun {
  host;
  settings;
  /** The connection tasks use now, and every one opened in this run (one per distinct login). */
  current;
  connection;
  transports = /* @__PURE__ */ new Map();
  variants = /* @__PURE__ */ new Map();
  recap = emptyRecap();
  /** Registered results and set_fact variables: one layer, as Ansible's non-persistent facts. */
  registered = {};
  /** Host facts (setup, and `ansible_facts` of modules other than set_fact and include_vars). */
  gathered = {};
  /** Variables from include_vars. */
  included = {};
  notified = /* @__PURE__ */ new Set();
  /** Paths tasks changed (or would change) on this host in this run, e.g. unit files for daemon-reload. */
  changedPaths = /* @__PURE__ */ new Set();
  /** What each task asked the fact cache for in advance, to forget once it has run. */
  prefetched = /* @__PURE__ */ new Map();
  /** Results held until the changes their tasks queued are made (see results.ts). */
  pending = [];
  /** A failure nothing rescued, or an unreachable host, ends this host's run; the others go on. */
  stopped = false;
  caches = /* @__PURE__ */ new Map();
  constructor(host, settings, connection = host.connection) {
    this.host = host;
    this.settings = settings;
    this.connection = connection;
    this.current = this.transportFor(connection);
  }
  get transport() {
    return this.current;
  }
  /** Tasks from now on use this connection (opened when first used). Only between plays: nothing may be queued. */
  useConnection(connection) {
    if (connectionKey(connection) === connectionKey(this.connection))
      return;
    this.connection = connection;
    this.current = this.transportFor(connection);
  }
  /** The same host reached another way (a task's remote_user, port or connection): its own transport and facts. */
  variant(connection) {
    const key = connectionKey(connection);
    if (key === connectionKey(this.connection))
      return this;
    let variant = this.variants.get(key);
    if (!variant)
      this.variants.set(key, variant = new _HostRun(this.host, this.settings, connection));
    return variant;
  }
  /** Every connection this host's run opened (its variants' too): closed, interrupted and counted together. */
  allTransports() {
    return [...this.transports.values(), ...[...this.variants.values()].flatMap((v) => v.allTransports())];
  }
  /** Connections and round trips of all of them. */
  get stats() {
    return this.allTransports().reduce((sum, t) => ({ connections: sum.connections + t.stats.connections, roundTrips: sum.roundTrips + t.stats.roundTrips }), { connections: 0, roundTrips: 0 });
  }
  transportFor(connection) {
    const key = connectionKey(connection);
    let transport = this.transports.get(key);
    if (!transport)
      this.transports.set(key, transport = this.open(connection));
    return transport;
  }
  open(connection) {
    const { host, settings } = this;
    if (connection.local)
      return new LocalTransport(host.name, settings.becomePassword);
    const loaded2 = connection.privateKeyFile ? settings.privateKeys?.get(connection.privateKeyFile) : void 0;
    const key = loaded2 ? "useAgent" in loaded2 ? {} : loaded2 : { key: connection.privateKeyFile ? readFileSync3(connection.privateKeyFile) : defaultKey() };
    return new SshTransport({
      host: host.name,
      address: connection.address,
      port: connection.port,
      user: connection.user,
      privateKey: key.key,
      passphrase: key.passphrase,
      agent: process.env.SSH_AUTH_SOCK,
      knownHostsFile: settings.knownHostsFile,
      acceptNewHostKeys: settings.acceptNewHostKeys,
      connectTimeoutMs: settings.connectTimeoutMs,
      keepaliveMs: settings.keepaliveMs,
      becomePassword: settings.becomePassword
    });
  }
  get name() {
    return this.host.name;
  }
  /** Facts as seen by one user: a file root may read can be unreadable to the login user. */
  facts(privilege) {
    const key = `${connectionKey(this.connection)} ${privilege.become ? `become:${privilege.becomeUser ?? "root"}` : "login"}`;
    let cache = this.caches.get(key);
    if (!cache) {
      const transport = this.current;
      cache = new FactCache(async () => transport, privilege, this.name, this.settings.factTimeoutMs ?? 6e4);
      this.caches.set(key, cache);
    }
    return cache;
  }
  /** Each user's view must hear of a change made as another user. */
  allFacts() {
    return [...this.caches.values()];
  }
};
function defaultKey() {
  for (const name of ["id_ed25519", "id_ecdsa", "id_rsa"]) {
    try {
      const key = readFileSync3(`${homedir()}/.ssh/${name}`);
      if (usableWithoutPassphrase(key))
        return key;
    } catch {
    }
  }
  return void 0;
}

// dist/lib/engine/iterator.js
var HostPlayIterator = class {
  frames;
  /** Queued changes were made since the last task: crossing a boundary needs no settle first. */
  settled = true;
  /** The last task failed: the cursor moves to rescue/always at the next boundary. */
  failing = false;
  over = false;
  constructor(body) {
    this.frames = [frame({ block: [...body], rescue: [], always: [] })];
  }
  /** True once the host has failed a task that nothing rescued (it runs no more tasks of this play). */
  get failed() {
    return this.over && this.hostFailed;
  }
  hostFailed = false;
  /** The next step for this host, or undefined when its play is over. The only place the cursor advances. */
  next() {
    for (; ; ) {
      if (this.over)
        return void 0;
      const top = this.frames[this.frames.length - 1];
      const entry = top.sections[top.section][top.index];
      if (!this.failing && entry !== void 0 && !isBlock(entry)) {
        top.index++;
        this.settled = false;
        return { kind: "task", task: entry, section: top.section };
      }
      const crossing = !this.failing && entry !== void 0 ? entry : top.sections;
      if (!this.settled && (crossing.rescue.length > 0 || crossing.always.length > 0)) {
        this.settled = true;
        return { kind: "settle" };
      }
      if (this.failing) {
        this.failing = false;
        this.failFrame(top);
      } else if (entry !== void 0) {
        top.index++;
        this.frames.push(frame(entry));
      } else {
        this.endSection(top);
      }
    }
  }
  /**
   * The task just run (or a change it queued) failed, and errors are not ignored. Returns
   * true when an enclosing block will rescue it (Ansible then counts the host `rescued`,
   * not failed, and sets ansible_failed_task / ansible_failed_result).
   */
  fail() {
    this.failing = true;
    return this.rescuing();
  }
  /** Is any block on the cursor's path in its block section with a rescue (Ansible's is_any_block_rescuing)? */
  rescuing() {
    return this.frames.some((f) => f.section === "block" && f.sections.rescue.length > 0);
  }
  /** The host's play ends here (unreachable host, meta: end_host, end_play). */
  end() {
    this.over = true;
  }
  /** Tasks of a dynamic include, run next, right after the include task (Ansible's add_tasks). */
  insert(entries) {
    if (entries.length === 0)
      return;
    const top = this.frames[this.frames.length - 1];
    const list = top.sections[top.section];
    top.sections = { ...top.sections, [top.section]: [...list.slice(0, top.index), ...entries, ...list.slice(top.index)] };
  }
  failFrame(top) {
    if (top.section === "block" && top.sections.rescue.length > 0) {
      top.failed = true;
      this.enter(top, "rescue");
    } else if (top.section === "block" || top.section === "rescue") {
      top.failed = true;
      this.enter(top, "always");
    } else {
      top.failed = true;
      top.index = top.sections.always.length;
    }
  }
  endSection(top) {
    if (top.section === "block")
      return this.enter(top, "always");
    if (top.section === "rescue") {
      top.failed = false;
      return this.enter(top, "always");
    }
    this.frames.pop();
    if (this.frames.length === 0) {
      this.over = true;
      this.hostFailed = top.failed;
    } else if (top.failed) {
      this.failing = true;
    }
  }
  enter(top, section) {
    top.section = section;
    top.index = 0;
  }
};
function frame(sections) {
  return { sections: { block: sections.block, rescue: sections.rescue, always: sections.always }, section: "block", index: 0, failed: false };
}

// dist/lib/engine/args.js
var ArgumentError = class extends Error {
  name = "ArgumentError";
};
function normalizeMode(value) {
  const octal = typeof value === "string" && /[=+-]/.test(value) ? void 0 : normaliseMode(value);
  if (octal !== void 0)
    return octal;
  if (typeof value === "string")
    return symbolicMode(value.trim());
  throw new ArgumentError(`invalid mode ${JSON.stringify(value)}: use octal such as '0644'`);
}
function symbolicMode(text) {
  const bits = { u: 0, g: 0, o: 0 };
  for (const clause of text.split(",")) {
    const match = /^([ugoa]+)=([rwx]*)$/.exec(clause);
    if (!match)
      throw new ArgumentError(`invalid mode '${text}': use octal such as '0644' or absolute symbolic 'u=rw,g=r,o=r'`);
    const value = (match[2].includes("r") ? 4 : 0) + (match[2].includes("w") ? 2 : 0) + (match[2].includes("x") ? 1 : 0);
    for (const who of match[1].replace("a", "ugo"))
      bits[who] = value;
  }
  return `0${bits.u}${bits.g}${bits.o}`;
}
function coerce(name, value, type, elements) {
  if (type === "mode")
    return normalizeMode(value);
  try {
    return convertType(value, type, elements, `argument '${name}'`, void 0, void 0, false);
  } catch (error) {
    if (error instanceof InputError)
      throw new ArgumentError(error.message);
    throw error;
  }
}
function coerceArgs(specs, args) {
  const out = {};
  for (const [name, spec] of Object.entries(specs)) {
    let value = args[name];
    if (value === void 0 || value === null)
      value = spec.default;
    if (value === void 0 || value === null) {
      if (spec.required)
        throw new ArgumentError(`missing required argument '${name}'`);
      continue;
    }
    value = coerce(name, value, spec.type, spec.elements);
    const notAbsolute = absolutePathError(value, spec);
    if (notAbsolute)
      throw new ArgumentError(`argument '${name}' ${notAbsolute}`);
    if (spec.choices && !spec.choices.includes(String(value))) {
      throw new ArgumentError(`argument '${name}' must be one of ${spec.choices.join(", ")}, got ${JSON.stringify(value)}`);
    }
    out[name] = value;
  }
  for (const name of Object.keys(args))
    if (name.startsWith("_"))
      out[name] = args[name];
  if (out._raw_params !== void 0 && out._raw_params !== null && typeof out._raw_params !== "string") {
    const value = out._raw_params;
    if (typeof value === "number" || typeof value === "boolean")
      out._raw_params = String(value);
    else
      throw new ArgumentError(`argument 'cmd' (the free-form command) must be a string, got ${Array.isArray(value) ? "a list" : typeof value}: ${JSON.stringify(value)}`);
  }
  return out;
}
function moduleArgs2(module, rendered) {
  const args = coerceArgs(module.args, rendered);
  if (module.anyArgs) {
    for (const [name, value] of Object.entries(rendered))
      if (!(name in module.args))
        args[name] = value;
  }
  const ruleError = argRuleError(module, args);
  if (ruleError)
    throw new ArgumentError(`${module.name}: ${ruleError}`);
  return args;
}

// dist/lib/engine/vars.js
function taskVars(layers, task, loop) {
  const inventory = withPlaybookDir(layers.inventory, layers.play.baseDir);
  const host = inventory.hosts.get(layers.host);
  const facts = layers.facts ?? {};
  const playRoles = playRoleLayers(layers.play);
  const vars = {
    ...playRoles.defaults,
    ...task?.roleDefaults ?? {},
    ...host.vars,
    ...facts,
    ...layers.play.vars,
    ...playRoles.vars,
    ...task?.roleVars ?? {},
    ...task?.vars ?? {},
    ...layers.included,
    ...layers.registered,
    ...task?.roleParams ?? {},
    ...task?.includeParams ?? {},
    ...layers.extraVars,
    inventory_hostname: layers.host,
    // As Ansible's Host.get_magic_vars: an IP address is its own short name; group names sorted, 'ungrouped' included.
    inventory_hostname_short: /^[0-9.]+$|:/.test(layers.host) ? layers.host : layers.host.split(".")[0],
    group_names: host.groups.filter((g) => g !== "all").sort(),
    groups: layers.groups,
    hostvars: inventory === layers.inventory ? layers.hostvars : hostvarsFor(inventory, layers),
    play_hosts: layers.playBatch ?? layers.playHosts,
    ansible_play_hosts: layers.playHosts,
    ansible_play_batch: layers.playBatch ?? layers.playHosts,
    playbook_dir: layers.play.baseDir,
    ansible_check_mode: false,
    ansible_facts: namespacedFacts(facts)
  };
  if (loop) {
    vars[loop.name] = loop.item;
    if (task?.indexVar)
      vars[task.indexVar] = loop.index;
    vars.ansible_loop = loop.items && task?.loopExtended ? extendedLoop(loop.items, loop.index) : { index: loop.index + 1, index0: loop.index };
  }
  return vars;
}
function extendedLoop(items, index) {
  const length = items.length;
  const loop = {
    allitems: items,
    index: index + 1,
    index0: index,
    revindex: length - index,
    revindex0: length - index - 1,
    first: index === 0,
    last: index === length - 1,
    length
  };
  if (index > 0)
    loop.previtem = items[index - 1];
  if (index < length - 1)
    loop.nextitem = items[index + 1];
  return loop;
}
var playRoleCache = /* @__PURE__ */ new WeakMap();
function playRoleLayers(play) {
  const roles = play.publicRoles ?? [];
  let cached = playRoleCache.get(play);
  if (!cached || cached.count !== roles.length) {
    cached = { count: roles.length, defaults: {}, vars: {} };
    for (const role of roles) {
      Object.assign(cached.defaults, roleDefaults(role, false));
      if (!play.privateRoleVars)
        Object.assign(cached.vars, roleVars(role, false));
    }
    playRoleCache.set(play, cached);
  }
  return cached;
}
function buildHostvars(inventory, extraVars) {
  const hostvars = {};
  for (const [name, host] of inventory.hosts)
    hostvars[name] = { ...host.vars, ...extraVars, inventory_hostname: name };
  return hostvars;
}
var hostvarsByInventory = /* @__PURE__ */ new WeakMap();
function hostvarsFor(inventory, layers) {
  let byExtraVars = hostvarsByInventory.get(inventory);
  if (!byExtraVars)
    hostvarsByInventory.set(inventory, byExtraVars = /* @__PURE__ */ new WeakMap());
  let hostvars = byExtraVars.get(layers.extraVars);
  if (!hostvars)
    byExtraVars.set(layers.extraVars, hostvars = buildHostvars(inventory, layers.extraVars));
  return hostvars;
}
function groupsRecord(inventory) {
  return Object.fromEntries(inventory.groups);
}
function itemVars(layers, task) {
  const vars = taskVars(layers, task);
  if (task.loop === void 0)
    return [{ vars }];
  const items = renderValue(task.loop, vars, { what: `task '${task.name}'`, location: task.location });
  if (!Array.isArray(items))
    throw new InputError(`loop of task '${task.name}' must be a list, got ${JSON.stringify(items)}`, task.location);
  return items.map((item, index) => ({ item, vars: taskVars(layers, task, { name: task.loopVar, item, index, items }) }));
}
function namespacedFacts(facts) {
  return Object.fromEntries(Object.entries(facts).map(([name, value]) => [name.replace(/^ansible_/, ""), value]));
}
function factsOf(result) {
  const facts = result.ansible_facts;
  if (result.failed === true || result.skipped === true)
    return void 0;
  return facts && typeof facts === "object" && !Array.isArray(facts) ? facts : void 0;
}

// dist/lib/engine/include.js
var loaded = /* @__PURE__ */ new WeakMap();
function includedEntries(task, file, vars) {
  let byFile = loaded.get(task);
  if (!byFile)
    loaded.set(task, byFile = /* @__PURE__ */ new Map());
  const key = `${file}\0${JSON.stringify(vars)}`;
  let entries = byFile.get(key);
  if (!entries)
    byFile.set(key, entries = task.includeTasks(file, vars));
  return entries;
}
function includesOf(task, layers) {
  const origin = { what: `task '${task.name}'`, location: task.location };
  const out = [];
  for (const { vars, item } of itemVars(layers, task)) {
    if (!task.when.every((condition) => evaluateCondition(condition, vars, origin)))
      continue;
    const args = renderValue(task.args, vars, origin);
    const file = String(args.file ?? args._raw_params ?? args.name);
    out.push({ file, entries: includedEntries(task, file, task.loop === void 0 ? {} : { [task.loopVar]: item }) });
  }
  return out;
}
function lookAhead(task, layers, depth = 0) {
  if (depth > 8)
    return [];
  try {
    return includesOf(task, layers).flatMap(({ entries }) => flattenEntries(entries)).flatMap((t) => [t, ...t.includeTasks ? lookAhead(t, layers, depth + 1) : []]);
  } catch {
    return [];
  }
}

// dist/lib/engine/task.js
async function runTask(scope, run, play, task, layers) {
  const module = scope.registry.get(task.module);
  const outcomes = [];
  const carried = {};
  for (const { vars, item } of itemVars(layers, task)) {
    const itemScope = task.loop === void 0 ? vars : { ...vars, ...carried, [task.loopVar]: item };
    const outcome = await runItem(scope, run, play, task, module, itemScope);
    Object.assign(carried, factsOf(outcome.result) ?? {});
    outcomes.push({ ...outcome, item });
    if (outcome.status === "failed" || outcome.status === "unreachable")
      break;
  }
  const combined = task.loop === void 0 ? outcomes[0] : combineItems(outcomes);
  if (outcomes.some((o) => o.secret))
    combined.secret = true;
  return combined;
}
function combineItems(outcomes) {
  const has = (s) => outcomes.some((o) => o.status === s);
  const status = has("unreachable") ? "unreachable" : has("failed") ? "failed" : has("changed") ? "changed" : outcomes.length > 0 && outcomes.every((o) => o.status === "skipped") ? "skipped" : "ok";
  const messages = outcomes.filter((o) => o.message).map((o) => `${JSON.stringify(o.item)}: ${o.message}`);
  return {
    status,
    message: messages.join("; ") || void 0,
    diff: outcomes.flatMap((o) => o.diff ?? []),
    result: {
      changed: status === "changed",
      failed: status === "failed",
      skipped: status === "skipped",
      results: outcomes.map((o) => ({ ...o.result, item: o.item }))
    }
  };
}
function connectionUnder(run, base, keywords, vars, origin) {
  const hostVars = run.host.vars;
  const set = (...names) => names.some((n) => hostVars[n] !== void 0 && hostVars[n] !== null);
  const spec = { ...base };
  if (keywords.connection !== void 0 && !set("ansible_connection"))
    spec.local = keywords.connection === "local";
  if (keywords.remoteUser !== void 0 && !set("ansible_user", "ansible_ssh_user")) {
    const user = renderValue(keywords.remoteUser, vars, origin);
    if (typeof user !== "string" || user === "")
      throw new InputError(`remote_user must render to a user name, got ${JSON.stringify(user)}`, origin.location);
    spec.user = user;
  }
  if (keywords.port !== void 0 && !set("ansible_port", "ansible_ssh_port"))
    spec.port = wholeNumber2(keywords.port, "port", vars, origin);
  return spec;
}
function playConnection(run, play, vars) {
  return connectionUnder(run, run.host.connection, play, vars, { what: `play '${play.name}'`, location: play.location });
}
function targetOf(scope, run, task, vars, origin) {
  if (task.delegateTo !== void 0)
    return scope.hostRun(String(renderValue(task.delegateTo, vars, origin)));
  if (task.remoteUser === void 0 && task.port === void 0 && task.connection === void 0)
    return run;
  return run.variant(connectionUnder(run, run.connection, task, vars, origin));
}
function taskEnvironment(task, vars, origin) {
  const env = {};
  let secret = false;
  for (const entry of task.environment ?? []) {
    const rendered = readsSecret(() => renderValue(entry, vars, origin));
    secret ||= rendered.secret;
    const value = rendered.value;
    if (value === void 0 || value === null || value === "")
      continue;
    if (typeof value !== "object" || Array.isArray(value))
      throw new InputError(`environment must be a mapping of variable names to values, got ${JSON.stringify(value)}`, origin.location);
    for (const [name, raw] of Object.entries(value)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        throw new InputError(`environment variable name '${name}' is not valid`, origin.location);
      env[name] = typeof raw === "string" ? raw : typeof raw === "boolean" ? raw ? "True" : "False" : raw === null || raw === void 0 ? "None" : typeof raw === "object" ? JSON.stringify(raw) : String(raw);
    }
  }
  return { env, secret };
}
function withEnvironment(transport, env) {
  const names = Object.keys(env);
  if (names.length === 0)
    return transport;
  const exports = `export ${names.map((name) => `${name}=${shellQuote(env[name])}`).join(" ")}; `;
  return {
    get host() {
      return transport.host;
    },
    get stats() {
      return transport.stats;
    },
    get stepsQueued() {
      return transport.stepsQueued;
    },
    get stepsMade() {
      return transport.stepsMade;
    },
    exec: (command, options) => transport.exec(exports + command, options),
    writeFile: (path, content, options) => transport.writeFile(path, content, options),
    // A subshell: the exports end with the step, which shares its script with other tasks' steps.
    queue: (step) => transport.queue({ ...step, script: `(${exports}${step.script}
)` }),
    flush: () => transport.flush(),
    readFile: (path, privilege) => transport.readFile(path, privilege),
    interrupt: () => transport.interrupt(),
    close: () => transport.close()
  };
}
function taskPrivilege(run, play, task) {
  const connection = run.host.connection;
  return {
    become: task.become ?? play.become ?? connection.become,
    becomeUser: task.becomeUser ?? play.becomeUser ?? connection.becomeUser
  };
}
async function runItem(scope, run, play, task, module, vars) {
  const origin = { what: `task '${task.name}'`, location: task.location };
  if (!task.when.every((condition) => evaluateCondition(condition, vars, origin))) {
    return { status: "skipped", message: "condition false", result: { changed: false, skipped: true } };
  }
  let target;
  let retry;
  let timeout;
  try {
    target = targetOf(scope, run, task, vars, origin);
    retry = retryPolicy(task, vars, origin);
    timeout = task.timeout === void 0 ? scope.taskTimeout : wholeNumber2(task.timeout, "timeout", vars, origin);
  } catch (error) {
    return failure(error, task);
  }
  let outcome;
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    outcome = await withTimeout(timeout, task, (deadline) => attemptItem(scope, run, target, play, task, module, vars, deadline));
    if (task.until === void 0 || outcome.status === "unreachable" || outcome.status === "skipped")
      return outcome;
    outcome.result.attempts = attempt;
    const seen = { ...vars, ...outcome.result, ...task.register ? { [task.register]: outcome.result } : {} };
    try {
      if (task.until.every((condition) => evaluateCondition(condition, seen, origin)))
        return outcome;
    } catch (error) {
      return failure(error, task);
    }
    if (attempt < retry.attempts) {
      const left = retry.attempts - attempt;
      scope.emit({ type: "task_retry", host: run.name, task: task.name, attempt, retriesLeft: left, message: task.noLog ? void 0 : outcome.message });
      await new Promise((resolve6) => setTimeout(resolve6, retry.delayMs));
    }
  }
  const attempts = retry.attempts > 1 ? retry.attempts - 1 : 1;
  return {
    ...outcome,
    status: "failed",
    message: `the until condition still failed after ${retry.attempts} attempts${outcome.message ? `: ${outcome.message}` : ""}`,
    result: { ...outcome.result, attempts, failed: true }
  };
}
function retryPolicy(task, vars, origin) {
  if (task.until === void 0)
    return { attempts: 1, delayMs: 0 };
  const retries = task.retries === void 0 ? 3 : wholeNumber2(task.retries, "retries", vars, origin);
  const delay = task.delay === void 0 ? 5 : wholeNumber2(task.delay, "delay", vars, origin);
  return { attempts: retries <= 0 ? 1 : retries + 1, delayMs: delay * 1e3 };
}
function wholeNumber2(value, what, vars, origin) {
  const rendered = typeof value === "number" ? value : renderValue(value, vars, origin);
  const number = typeof rendered === "number" ? rendered : typeof rendered === "string" && /^\s*\d+\s*$/.test(rendered) ? Number(rendered) : NaN;
  if (!Number.isInteger(number) || number < 0)
    throw new InputError(`${what} must be a whole number of 0 or more, got ${JSON.stringify(rendered)}`, origin.location);
  return number;
}
var TaskTimeout = class extends Error {
  name = "TaskTimeout";
};
async function withTimeout(seconds, task, attempt) {
  if (!seconds)
    return attempt();
  const controller = new AbortController();
  const deadline = { signal: controller.signal, at: Date.now() + seconds * 1e3 };
  const message = `The ${task.module} action failed to execute in the expected time frame (${seconds}) and was terminated`;
  const timedOut = { status: "failed", message, result: { failed: true, msg: message } };
  let timer;
  const running = attempt(deadline).then((outcome) => Date.now() >= deadline.at ? timedOut : outcome);
  const expired = new Promise((resolve6) => {
    timer = setTimeout(() => {
      controller.abort(new TaskTimeout(message));
      const settled = running.then(() => void 0, () => void 0);
      void Promise.race([settled, new Promise((done) => setTimeout(done, KILL_GRACE_MS * 2.5))]).then(() => resolve6(timedOut));
    }, seconds * 1e3);
  });
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}
function bounded(transport, deadline) {
  if (!deadline)
    return transport;
  const { signal } = deadline;
  const check = () => {
    if (signal.aborted)
      throw signal.reason;
  };
  return {
    get host() {
      return transport.host;
    },
    get stats() {
      return transport.stats;
    },
    get stepsQueued() {
      return transport.stepsQueued;
    },
    get stepsMade() {
      return transport.stepsMade;
    },
    exec: async (command, options = { become: false }) => (check(), transport.exec(command, { ...options, signal, deadline: deadline.at })),
    writeFile: (path, content, options) => (check(), transport.writeFile(path, content, options)),
    queue: (step) => (check(), transport.queue(step)),
    flush: async () => (check(), transport.flush()),
    readFile: async (path, privilege) => (check(), transport.readFile(path, privilege)),
    interrupt: () => transport.interrupt(),
    close: () => transport.close()
  };
}
async function attemptItem(scope, run, target, play, task, module, vars, deadline) {
  const origin = { what: `task '${task.name}'`, location: task.location };
  const privilege = taskPrivilege(target, play, task);
  const facts = target.facts(privilege);
  let args;
  let readVault = false;
  let environment;
  try {
    const rendered = readsSecret(() => renderValue(task.args, vars, origin));
    readVault = rendered.secret;
    args = moduleArgs2(module, rendered.value);
    const env = taskEnvironment(task, vars, origin);
    environment = env.env;
    readVault ||= env.secret;
  } catch (error) {
    return failure(error, task);
  }
  const noLog = task.noLog || readVault || holdsSecret(args);
  const context = {
    host: target.name,
    user: privilege.become ? privilege.becomeUser ?? "root" : target.connection.user,
    vars,
    privilege,
    dryRun: scope.dryRun,
    diff: scope.diff,
    noLog,
    baseDir: task.baseDir ?? play.baseDir,
    facts,
    factsOf: (name) => scope.hostRun(name).facts(privilege),
    render: (text, what) => {
      const rendered = readsSecret(() => renderTemplateFile(text, vars, { what, location: task.location }));
      if (rendered.secret)
        context.noLog = true;
      return rendered.value;
    },
    progress: (message) => scope.emit({ type: "task_progress", host: run.name, task: task.name, message }),
    changedPaths: () => [...target.changedPaths],
    evaluate: (condition) => evaluateCondition(condition, vars, origin),
    expression: (expression) => renderValue(`{{ ${expression} }}`, vars, origin),
    verbosity: scope.verbosity ?? 0
  };
  try {
    const check = await module.check(args, context);
    if (check.failed || check.skipped) {
      const status = check.failed ? "failed" : "skipped";
      const outcome2 = { status, message: check.message, result: { ...check.result, changed: false, failed: status === "failed", ...check.skipped ? { skipped: true } : {} } };
      return judge(task, outcome2, vars, origin, false);
    }
    const runsForReal = !scope.dryRun || task.checkMode === false || module.freeForm === true && task.changedWhen === false;
    let outcome;
    if (check.changed && runsForReal) {
      const applyContext = { ...context, transport: withEnvironment(bounded(target.transport, deadline), environment), transportOf: (name) => scope.hostRun(name).transport };
      const applied = await module.apply(args, check, applyContext);
      if (target !== run) {
        const queued = target.transport.stepsQueued;
        await applyContext.transport.flush();
        if (target.transport.stepsMade < queued)
          throw new Error(`a change queued on ${target.name} before this task's failed, so this task's was not made`);
      }
      recordEffects(target, task.changedWhen === false ? { ...check, invalidatesFacts: false } : check, scope.dryRun);
      outcome = {
        status: applied.failed ? "failed" : applied.changed ? "changed" : "ok",
        message: applied.message ?? check.message,
        diff: check.diff,
        result: { ...check.result, ...applied.result, changed: applied.changed, failed: applied.failed === true }
      };
    } else {
      if (check.changed)
        recordEffects(target, check, scope.dryRun, true);
      outcome = {
        status: check.changed ? "changed" : "ok",
        message: check.message,
        diff: check.diff,
        result: { ...check.result, changed: check.changed, failed: false }
      };
    }
    if (context.noLog)
      outcome.secret = true;
    if (target.name !== run.name)
      outcome = { ...outcome, message: `[delegated to ${target.name}]${outcome.message ? ` ${outcome.message}` : ""}` };
    return judge(task, outcome, vars, origin, scope.dryRun && !runsForReal);
  } catch (error) {
    if (error instanceof TaskTimeout)
      return failure(error, task);
    if (error instanceof InterruptedError)
      throw error;
    if (target === run && (error instanceof StepFailure || error instanceof UnreachableError && run.pending.length > 0))
      throw error;
    if (error instanceof UnreachableError)
      return { status: "unreachable", message: error.message, result: { unreachable: true, msg: error.message } };
    return failure(error, task);
  }
}
function recordEffects(run, check, dryRun, predictedOnly = false) {
  for (const state of check.predicted ?? [])
    run.changedPaths.add(state.path);
  for (const cache of run.allFacts()) {
    if (check.invalidatesFacts && !predictedOnly)
      cache.invalidate({ keepPredicted: dryRun });
    else {
      if (check.predicted)
        cache.predict(check.predicted, predictedContents(check));
      if (check.facts)
        cache.predictFacts(check.facts);
    }
  }
}
function predictedContents(check) {
  const data = check.data;
  return data?.contents instanceof Map ? data.contents : /* @__PURE__ */ new Map();
}
function judge(task, outcome, vars, origin, predicted) {
  if (predicted || outcome.status === "skipped")
    return outcome;
  const scopeVars = { ...vars, ...outcome.result, ...task.register ? { [task.register]: outcome.result } : {} };
  const holds = (rule) => typeof rule === "boolean" ? rule : rule.every((c) => evaluateCondition(c, scopeVars, origin));
  const failed = task.failedWhen !== void 0 ? holds(task.failedWhen) : outcome.status === "failed";
  const changed = task.changedWhen !== void 0 ? holds(task.changedWhen) : outcome.result.changed === true;
  const status = failed ? "failed" : changed ? "changed" : "ok";
  return { ...outcome, status, result: { ...outcome.result, changed, failed } };
}
function failure(error, task) {
  const message = error instanceof Error ? error.message : String(error);
  const where = error instanceof InputError ? "" : ` (${formatLocation(task.location)})`;
  return { status: "failed", message: `${message}${where}`, result: { failed: true, msg: message } };
}

// dist/lib/engine/prefetch.js
function prefetchPlay(scope, run, play, tasks, layers) {
  prefetchTasks(scope, run, play, [...tasks, ...play.handlers], layers);
}
function prefetchTasks(scope, run, play, tasks, layers) {
  for (const task of tasks) {
    if (task.includeTasks && !run.prefetched.has(task)) {
      run.prefetched.set(task, []);
      prefetchTasks(scope, run, play, lookAhead(task, layers).filter((t) => !run.prefetched.has(t)), layers);
      continue;
    }
    const module = scope.registry.get(task.module);
    if (!module?.prefetch || task.delegateTo !== void 0 || task.remoteUser !== void 0 || task.port !== void 0 || task.connection !== void 0)
      continue;
    try {
      for (const { vars } of itemVars(layers, task)) {
        if (!task.when.every((condition) => evaluateCondition(condition, vars)))
          continue;
        const args = moduleArgs2(module, renderableArgs(task.args, vars));
        const cache = run.facts(taskPrivilege(run, play, task));
        const requests = module.prefetch(args, { host: run.name });
        cache.want(requests);
        run.prefetched.set(task, [...run.prefetched.get(task) ?? [], { cache, requests }]);
      }
    } catch {
    }
  }
}
function renderableArgs(args, vars) {
  const rendered = {};
  for (const [name, value] of Object.entries(args)) {
    try {
      rendered[name] = renderValue(value, vars);
    } catch {
    }
  }
  return rendered;
}
function forgetPrefetch(run, task) {
  for (const { cache, requests } of run.prefetched.get(task) ?? [])
    cache.unwant(requests);
  run.prefetched.delete(task);
}

// dist/lib/engine/results.js
var HIDDEN = "output hidden: no_log is set on this task";
function recordResult(scope, run, play, task, index, handler, outcome, started, marks = {}) {
  const hidden = task.noLog || outcome.secret === true;
  run.pending.push({
    task,
    endStep: run.transport.stepsQueued,
    hidden,
    event: {
      ...marks.rescued ? { rescued: true } : {},
      ...marks.ignored ? { ignored: true } : {},
      type: "task_result",
      host: run.name,
      play: play.name,
      task: task.name,
      index,
      handler,
      status: outcome.status,
      message: hidden && outcome.status !== "skipped" ? task.noLog ? HIDDEN : "output hidden: the task uses a value from a vault" : outcome.message,
      ...hidden ? {} : commandOutput(outcome.result),
      diff: outcome.diff && (hidden ? outcome.diff.map(hideContent) : outcome.diff),
      dryRun: scope.dryRun,
      durationMs: Date.now() - started
    }
  });
  release(scope, run);
}
function release(scope, run) {
  while (run.pending.length > 0 && run.pending[0].endStep <= run.transport.stepsMade)
    publish(scope, run, run.pending.shift().event);
}
async function settle(scope, run, onFailure) {
  try {
    await run.transport.flush();
    release(scope, run);
  } catch (error) {
    if (!failPending(scope, run, error, onFailure))
      throw error;
  }
}
function failPending(scope, run, error, onFailure) {
  if (!(error instanceof StepFailure) && !(error instanceof UnreachableError) && !(error instanceof InterruptedError))
    return false;
  const made = error instanceof StepFailure ? error.step : run.transport.stepsMade;
  while (run.pending.length > 0 && run.pending[0].endStep <= made)
    publish(scope, run, run.pending.shift().event);
  if (error instanceof InterruptedError) {
    run.pending.length = 0;
    run.recap.interrupted = true;
    run.stopped = true;
    return true;
  }
  const failed = run.pending.shift();
  run.pending.length = 0;
  const message = failed?.hidden ? HIDDEN : error.message;
  if (!failed || error instanceof UnreachableError) {
    const status = error instanceof UnreachableError ? "unreachable" : "failed";
    if (failed)
      publish(scope, run, { ...failed.event, status, message, diff: void 0 });
    else
      publish(scope, run, { type: "task_result", host: run.name, play: "", task: "queued changes", index: -1, handler: false, status, message, dryRun: scope.dryRun, durationMs: 0 });
    run.stopped = true;
    return true;
  }
  for (const cache of run.allFacts())
    cache.invalidate();
  const result = { failed: true, msg: message };
  const { rescued: _rescued, ignored: _ignored, ...event } = failed.event;
  if (failed.task.ignoreErrors)
    publish(scope, run, { ...event, status: "ok", ignored: true, message: `failed, ignored: ${message}`, diff: void 0 });
  else
    publish(scope, run, { ...event, status: "failed", ...onFailure(failed.task, result) ? { rescued: true } : {}, message, diff: void 0 });
  return true;
}
function publish(scope, run, event) {
  countResult(run.recap, event);
  if (event.status === "unreachable")
    run.stopped = true;
  scope.emit(event);
  if (event.status === "unreachable")
    scope.emit({ type: "host_unreachable", host: run.name, message: event.message ?? "unreachable" });
}
function commandOutput(result) {
  const items = Array.isArray(result.results) ? result.results : [];
  const source = typeof result.rc === "number" ? result : [...items].reverse().find((item) => typeof item.rc === "number");
  if (!source)
    return {};
  return {
    rc: source.rc,
    ...typeof source.stdout === "string" ? { stdout: source.stdout } : {},
    ...typeof source.stderr === "string" ? { stderr: source.stderr } : {}
  };
}
function hideContent(diff) {
  const { content: _before, ...before } = diff.before;
  const { content: _after, ...after } = diff.after;
  return { ...diff, path: "(path hidden: no_log)", secret: true, before, after };
}

// dist/lib/engine/gather.js
function gatherTask(play) {
  return builtTask({ name: "Gathering Facts", module: "setup", args: { gather_subset: play.gatherSubset }, tags: ["always"], location: play.location });
}
function wantGatheredFacts(run, play) {
  if (play.gatherFacts)
    run.facts(taskPrivilege(run, play, gatherTask(play))).want([gatheredFact(play.gatherSubset)]);
}
async function gatherFacts(scope, run, play, hostvars, extraVars) {
  const task = gatherTask(play);
  scope.emit({ type: "task_start", host: run.name, play: play.name, task: task.name, index: -1, handler: false });
  const started = Date.now();
  let outcome;
  try {
    const facts = await run.facts(taskPrivilege(run, play, task)).get(gatheredFact(play.gatherSubset));
    Object.assign(run.gathered, facts);
    for (const [name, value] of Object.entries(facts))
      if (!(name in extraVars))
        hostvars[name] = value;
    hostvars.ansible_facts = namespacedFacts(run.gathered);
    outcome = { status: "ok", result: { changed: false, ansible_facts: facts } };
  } catch (error) {
    run.stopped = true;
    if (error instanceof UnreachableError)
      outcome = { status: "unreachable", message: error.message, result: { unreachable: true } };
    else
      outcome = { status: "failed", message: error instanceof Error ? error.message : String(error), result: { failed: true } };
  }
  recordResult(scope, run, play, task, -1, false, outcome, started);
}

// dist/lib/engine/run-once.js
var RunOnceGates = class {
  hosts;
  gates = /* @__PURE__ */ new Map();
  gone = /* @__PURE__ */ new Set();
  wake = () => {
  };
  changed = this.nextChange();
  constructor(hosts) {
    this.hosts = hosts;
  }
  /** Resolves with the outcome when another host ran the task, or undefined when this host must run it. */
  async await(task, host) {
    const gate = this.gate(task);
    for (; ; ) {
      if (gate.outcome)
        return gate.outcome;
      if (this.chosen(gate) === host) {
        gate.running = true;
        return void 0;
      }
      await this.changed;
    }
  }
  done(task, outcome) {
    this.gate(task).outcome = outcome;
    this.signal();
  }
  /** The host will reach no more tasks of this play. */
  leave(host) {
    this.gone.add(host);
    this.signal();
  }
  chosen(gate) {
    return gate.running ? void 0 : this.hosts.find((h) => !this.gone.has(h));
  }
  gate(task) {
    let gate = this.gates.get(task);
    if (!gate)
      this.gates.set(task, gate = { running: false });
    return gate;
  }
  signal() {
    const wake = this.wake;
    this.changed = this.nextChange();
    wake();
  }
  nextChange() {
    return new Promise((resolve6) => this.wake = resolve6);
  }
};
var RunOnceScopes = class {
  hosts;
  scopes = /* @__PURE__ */ new Map();
  gone = /* @__PURE__ */ new Set();
  constructor(hosts) {
    this.hosts = hosts;
  }
  of(key) {
    let gates = this.scopes.get(key);
    if (!gates) {
      gates = new RunOnceGates(this.hosts);
      for (const host of this.gone)
        gates.leave(host);
      this.scopes.set(key, gates);
    }
    return gates;
  }
  /** The host's play is over. */
  leave(host) {
    this.gone.add(host);
    for (const gates of this.scopes.values())
      gates.leave(host);
  }
};

// dist/lib/engine/serial.js
function serialBatches(play, hosts, extraVars) {
  if (play.serial === void 0 || hosts.length === 0)
    return [hosts];
  const origin = { what: `serial of play '${play.name}'`, location: play.location };
  const rendered = typeof play.serial === "string" ? renderValue(play.serial, { ...play.vars, ...extraVars }, origin) : play.serial;
  const sizes = (Array.isArray(rendered) ? rendered : [rendered]).map((entry) => {
    const size = batchSize(typeof entry === "string" && /^\s*-?\d+\s*$/.test(entry) ? Number(entry) : entry, play.location);
    if (typeof size === "string" && !size.endsWith("%"))
      throw new InputError(`serial entry ${JSON.stringify(entry)} must render to a number or a percentage`, play.location);
    return typeof size === "number" ? size : Math.floor(Number(size.slice(0, -1)) / 100 * hosts.length) || 1;
  });
  if (sizes.length === 0)
    throw new InputError("serial must not be an empty list", play.location);
  const batches = [];
  const left = [...hosts];
  for (let i = 0; left.length > 0; i = Math.min(i + 1, sizes.length - 1))
    batches.push(left.splice(0, sizes[i]));
  return batches;
}

// dist/lib/playbook/tags.js
function selectEntries(entries, filter) {
  return entries.flatMap((entry) => {
    if (!isBlock(entry))
      return entry.implicit || shouldRun(entry.tags, filter) ? [entry] : [];
    const kept = { ...entry, block: selectEntries(entry.block, filter), rescue: selectEntries(entry.rescue, filter), always: selectEntries(entry.always, filter) };
    return kept.block.length + kept.rescue.length + kept.always.length > 0 ? [kept] : [];
  });
}
function shouldRun(taskTags, filter) {
  const tags = new Set(taskTags.length ? taskTags : ["untagged"]);
  const isTagged = taskTags.length > 0;
  const only = filter.tags.length ? filter.tags : ["all"];
  const intersects = (list) => list.some((tag) => tags.has(tag));
  let run = tags.has("always") || only.includes("all") && !tags.has("never") || intersects(only) || only.includes("tagged") && isTagged && !tags.has("never");
  const skip = filter.skipTags;
  if (run && skip.length) {
    if (skip.includes("all"))
      run = tags.has("always") && !skip.includes("always");
    else if (intersects(skip) || skip.includes("tagged") && isTagged)
      run = false;
  }
  return run;
}

// dist/lib/engine/step.js
async function runHostPlay(playRun, run, iterator) {
  for (; ; ) {
    if (run.stopped || playRun.ended || playRun.scope.aborted?.())
      iterator.end();
    const step = iterator.next();
    if (!step)
      break;
    await takeStep(playRun, run, iterator, step);
  }
  await settle(playRun.scope, run, () => {
    run.stopped = true;
    return false;
  });
  if (iterator.failed)
    run.stopped = true;
}
async function takeStep(playRun, run, iterator, step) {
  const onFailure = (task, result) => {
    const rescued = iterator.fail();
    if (rescued) {
      register(playRun, run, "ansible_failed_task", { name: task.name, action: task.module, args: task.args, tags: task.tags });
      register(playRun, run, "ansible_failed_result", result);
    }
    return rescued;
  };
  if (step.kind === "settle")
    await settle(playRun.scope, run, onFailure);
  else if (step.task.module === "meta")
    await runMeta(playRun, run, iterator, step.task, onFailure);
  else if (step.task.includeTasks)
    await runInclude(playRun, run, iterator, step.task, onFailure);
  else
    await execute(playRun, run, step.task, playRun.once.of(playRun.play), false, onFailure);
}
async function runMeta(playRun, run, iterator, task, onFailure) {
  const action = task.args._raw_params;
  if (action === "noop")
    return;
  const vars = taskVars(playRun.layersOf(run.name), task);
  const origin = { what: `task '${task.name}'`, location: task.location };
  let holds;
  try {
    holds = task.when.every((condition) => evaluateCondition(condition, vars, origin));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await execute(playRun, run, { ...task, module: "meta" }, playRun.once.of(playRun.play), false, onFailure, { status: "failed", message, result: { failed: true, msg: message } });
    return;
  }
  if (!holds)
    return;
  switch (action) {
    case "flush_handlers":
      return flushHandlers(playRun, run, task, onFailure);
    case "end_host":
      return iterator.end();
    case "end_play":
      playRun.ended = true;
      return iterator.end();
  }
}
async function runInclude(playRun, run, iterator, task, onFailure) {
  const layers = playRun.layersOf(run.name);
  const once = playRun.once.of(playRun.play);
  let includes;
  try {
    includes = includesOf(task, layers);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await execute(playRun, run, task, once, false, onFailure, { status: "failed", message, result: { failed: true, msg: message } });
    return;
  }
  if (includes.length === 0)
    await execute(playRun, run, task, once, false, onFailure, { status: "skipped", message: "condition false", result: { changed: false, skipped: true } });
  if (task.module !== "include_role")
    for (const { file } of includes)
      await execute(playRun, run, task, once, false, onFailure, { status: "ok", message: `included: ${file}`, result: { include: file } });
  const entries = includes.flatMap((i) => selectEntries(i.entries, playRun.tagFilter));
  for (const { entries: loaded2 } of includes)
    for (const entry of loaded2)
      if (isBlock(entry) && entry.exposes)
        publish2(playRun.play, entry.exposes);
  iterator.insert(entries);
  prefetchTasks(playRun.scope, run, playRun.play, flattenEntries(entries).filter((t) => !run.prefetched.has(t)), layers);
}
async function flushHandlers(playRun, run, point, onFailure) {
  const gates = playRun.once.of(point);
  let failed = false;
  const failing = (task, result) => {
    failed = true;
    return onFailure(task, result);
  };
  const consumed = /* @__PURE__ */ new Set();
  try {
    await settle(playRun.scope, run, failing);
    for (const handler of playRun.play.handlers) {
      if (failed || run.stopped)
        break;
      if (![handler.name, ...handler.listen].some((n) => run.notified.has(n)))
        continue;
      for (const name of [handler.name, ...handler.listen])
        consumed.add(name);
      await execute(playRun, run, handler, gates, true, failing);
    }
    for (const name of consumed)
      run.notified.delete(name);
    if (!failed)
      await settle(playRun.scope, run, failing);
  } finally {
    gates.leave(run.name);
  }
}
async function execute(playRun, run, task, once, handler, onFailure, known) {
  const { scope, play } = playRun;
  const runOnce = task.runOnce || scope.registry.get(task.module)?.runsOnce === true;
  if (runOnce && !known) {
    const shared = await once.await(task, run.name).catch(() => null);
    if (shared !== void 0) {
      if (shared && task.register)
        register(playRun, run, task.register, shared.result);
      if (shared)
        takeFacts(playRun, run, task, shared);
      return;
    }
  }
  const index = playRun.taskIndex.get(task) ?? -1;
  scope.emit({ type: "task_start", host: run.name, play: play.name, task: task.name, index, handler });
  const started = Date.now();
  const queuedBefore = run.transport.stepsQueued;
  const throttle = known ? void 0 : playRun.throttle?.(task, run);
  const job = () => runTask(scope, run, play, task, playRun.layersOf(run.name));
  const pending = known ? Promise.resolve(known) : throttle ? throttle.run(job) : job();
  if (runOnce && !known)
    once.done(task, pending);
  let outcome;
  try {
    outcome = await pending;
    if (task.ignoreErrors && outcome.status !== "failed" && run.transport.stepsQueued > queuedBefore) {
      try {
        await run.transport.flush();
      } catch (error) {
        if (!(error instanceof StepFailure) || error.step < queuedBefore)
          throw error;
        const message = task.noLog ? "output hidden: no_log is set on this task" : error.message;
        outcome = { status: "failed", message, result: { ...outcome.result, changed: false, failed: true, msg: message } };
      }
    }
  } catch (error) {
    if (failPending(scope, run, error, onFailure)) {
      playRun.afterTask?.(run, task, "failed", false);
      return;
    }
    outcome = { status: "failed", message: error instanceof Error ? error.message : String(error), result: { failed: true } };
  }
  const marks = {};
  if (outcome.status === "failed" && task.ignoreErrors) {
    outcome = { ...outcome, status: outcome.result.changed === true ? "changed" : "ok", message: `failed, ignored: ${outcome.message ?? ""}` };
    marks.ignored = true;
  }
  if (outcome.status === "unreachable" && task.ignoreUnreachable) {
    outcome = { ...outcome, status: "ok", message: `unreachable, ignored: ${outcome.message ?? ""}` };
    marks.ignored = true;
  }
  forgetPrefetch(run, task);
  if (task.register)
    register(playRun, run, task.register, outcome.result);
  if (!marks.ignored)
    takeFacts(playRun, run, task, outcome);
  if (outcome.status === "changed" && !marks.ignored)
    for (const name of task.notify)
      run.notified.add(name);
  if (outcome.status === "failed")
    marks.rescued = onFailure(task, outcome.result);
  recordResult(scope, run, play, task, index, handler, outcome, started, marks);
  playRun.afterTask?.(run, task, outcome.status, marks.rescued === true);
}
function register(playRun, run, name, result) {
  run.registered[name] = result;
  playRun.hostvars[run.name][name] = result;
}
function takeFacts(playRun, run, task, outcome) {
  if (outcome.status !== "ok" && outcome.status !== "changed")
    return;
  const results = task.loop === void 0 ? [outcome.result] : outcome.result.results ?? [];
  const layer = playRun.scope.registry.get(task.module)?.factsAs ?? "gathered";
  const target = layer === "set" ? run.registered : layer === "included" ? run.included : run.gathered;
  const { extraVars } = playRun.layersOf(run.name);
  const hostvars = playRun.hostvars[run.name];
  for (const result of results) {
    const facts = factsOf(result);
    if (!facts)
      continue;
    Object.assign(target, facts);
    for (const [name, value] of Object.entries(facts))
      if (!(name in extraVars))
        hostvars[name] = value;
  }
  if (layer === "gathered")
    hostvars.ansible_facts = namespacedFacts(run.gathered);
}
function publish2(play, role) {
  const roles = play.publicRoles ??= [];
  if (!roles.includes(role))
    roles.push(role);
}

// dist/lib/engine/run.js
var DEFAULT_STRATEGY = "linear";
async function runPlaybooks(options, registry) {
  const started = Date.now();
  const { inventory } = options;
  const runs = /* @__PURE__ */ new Map();
  const hostRun = (name) => {
    let run = runs.get(name);
    if (!run) {
      const host = inventory.hosts.get(name) ?? (IMPLICIT_LOCALHOST.includes(name) ? implicitLocalhost(name) : void 0);
      if (!host)
        throw new Error(`host '${name}' is not in the inventory`);
      run = new HostRun(host, options);
      runs.set(name, run);
    }
    return run;
  };
  const aborted = () => options.signal?.aborted === true;
  const scope = { registry, dryRun: options.dryRun, diff: options.diff, verbosity: options.verbosity ?? 0, emit: options.onEvent, hostRun, taskTimeout: options.taskTimeout ?? 0, aborted };
  const hostvars = buildHostvars(inventory, options.extraVars);
  const groups = groupsRecord(inventory);
  const { plan } = options;
  const allHosts2 = [...new Set(plan.flatMap((p) => p.hosts))];
  for (const name of allHosts2)
    hostRun(name);
  let finished = false;
  const interruptHosts = () => {
    if (finished)
      return;
    for (const run of runs.values()) {
      if (!run.stopped)
        run.recap.interrupted = true;
      for (const transport2 of run.allTransports())
        void transport2.interrupt();
    }
  };
  options.signal?.addEventListener("abort", interruptHosts, { once: true });
  if (aborted())
    interruptHosts();
  options.onEvent({
    type: "run_start",
    hosts: allHosts2,
    dryRun: options.dryRun,
    playbooks: options.playbookFiles,
    tasks: plan.reduce((n, p) => n + p.tasks.length, 0)
  });
  const failedHosts = /* @__PURE__ */ new Set();
  const brokenPlaybooks = /* @__PURE__ */ new Set();
  try {
    for (const [index, { play, hosts, body, tasks, tagFilter }] of plan.entries()) {
      if (aborted())
        break;
      if (brokenPlaybooks.has(play.location.file))
        continue;
      const active = hosts.filter((h) => !hostRun(h).stopped);
      options.onEvent({ type: "play_start", play: play.name, index, hosts: active, tasks: tasks.length });
      const strategy = play.strategy ?? options.strategy ?? DEFAULT_STRATEGY;
      for (const batch of serialBatches(play, active, options.extraVars)) {
        if (aborted())
          break;
        const live = batch.filter((h) => !hostRun(h).stopped);
        if (live.length === 0)
          continue;
        const playBatch = new PlayBatch(scope, options, play, body, tasks, live, active, hostvars, groups, failedHosts, tagFilter ?? { tags: [], skipTags: [] });
        const broke = await playBatch.run(strategy);
        if (broke || live.every((h) => hostRun(h).stopped)) {
          brokenPlaybooks.add(play.location.file);
          break;
        }
      }
      options.onEvent({ type: "play_end", play: play.name, index });
    }
  } finally {
    finished = true;
    options.signal?.removeEventListener("abort", interruptHosts);
    await Promise.all([...runs.values()].flatMap((r) => r.allTransports().map((t) => t.close())));
  }
  const recap = Object.fromEntries(allHosts2.map((h) => [h, hostRun(h).recap]));
  const transport = Object.fromEntries(allHosts2.map((h) => [h, hostRun(h).stats]));
  options.onEvent({ type: "recap", hosts: recap, transport, durationMs: Date.now() - started });
  return { hosts: recap, exitCode: exitCodeFor(recap) };
}
function indexOfTasks(tasks, play) {
  return new Map([...play.handlers.map((t, i) => [t, i]), ...tasks.map((t, i) => [t, i])]);
}
var SECTION_ORDER = { block: 0, rescue: 1, always: 2 };
var PlayBatch = class {
  scope;
  options;
  play;
  body;
  tasks;
  hosts;
  playHosts;
  hostvars;
  groups;
  failedHosts;
  tagFilter;
  throttles = /* @__PURE__ */ new Map();
  /** Set when any_errors_fatal or max_fail_percentage ends the play for every host of the batch. */
  broken = false;
  constructor(scope, options, play, body, tasks, hosts, playHosts, hostvars, groups, failedHosts, tagFilter) {
    this.scope = scope;
    this.options = options;
    this.play = play;
    this.body = body;
    this.tasks = tasks;
    this.hosts = hosts;
    this.playHosts = playHosts;
    this.hostvars = hostvars;
    this.groups = groups;
    this.failedHosts = failedHosts;
    this.tagFilter = tagFilter;
  }
  /** Returns true when the play broke and the playbook must stop. */
  async run(strategy) {
    const runs = this.hosts.map((h) => this.scope.hostRun(h));
    for (const run of runs) {
      run.useConnection(playConnection(run, this.play, taskVars(this.layersOf(run.name))));
      wantGatheredFacts(run, this.play);
      prefetchPlay(this.scope, run, this.play, this.tasks, this.layersOf(run.name));
    }
    if (this.play.gatherFacts) {
      await forEachLimited(runs, this.options.forks, async (run) => {
        await gatherFacts(this.scope, run, this.play, this.hostvars[run.name], this.options.extraVars);
        prefetchPlay(this.scope, run, this.play, this.tasks, this.layersOf(run.name));
      });
    }
    const playRun = this.playRun();
    if (strategy === "free")
      await this.free(playRun, runs);
    else
      await this.linear(playRun, runs);
    return this.broken;
  }
  playRun() {
    return {
      scope: this.scope,
      play: this.play,
      layersOf: (host) => this.layersOf(host),
      once: new RunOnceScopes(this.hosts),
      hostvars: this.hostvars,
      taskIndex: indexOfTasks(this.tasks, this.play),
      ended: false,
      tagFilter: this.tagFilter,
      throttle: (task, run) => this.throttleOf(task, run),
      afterTask: (run, task, status, rescued) => this.afterTask(run, task, status, rescued)
    };
  }
  layersOf(host) {
    const live = (hosts) => hosts.filter((h) => !this.scope.hostRun(h).stopped);
    return {
      inventory: this.options.inventory,
      host,
      play: this.play,
      playHosts: live(this.playHosts),
      playBatch: live(this.hosts),
      registered: this.scope.hostRun(host).registered,
      facts: this.scope.hostRun(host).gathered,
      included: this.scope.hostRun(host).included,
      extraVars: this.options.extraVars,
      hostvars: this.hostvars,
      groups: this.groups
    };
  }
  /** free: each host runs through its play on its own. */
  async free(playRun, runs) {
    await forEachLimited(runs, this.options.forks, async (run) => {
      try {
        await runHostPlay(playRun, run, new HostPlayIterator(this.body));
      } finally {
        playRun.once.leave(run.name);
      }
    });
  }
  /**
   * linear: rounds in lock step. Each host's next task is taken; hosts at the same task run it
   * together, and no host starts its next task before every host of the round ended this one.
   * Hosts in different sections (one rescuing) run in Ansible's order: block, rescue, always.
   */
  async linear(playRun, runs) {
    const iterators = new Map(runs.map((run) => [run, new HostPlayIterator(this.body)]));
    for (; ; ) {
      const round = [];
      await Promise.all(runs.map(async (run) => {
        const iterator = iterators.get(run);
        for (; ; ) {
          if (run.stopped || playRun.ended || this.broken || this.scope.aborted?.())
            iterator.end();
          const step = iterator.next();
          if (!step)
            return;
          if (step.kind === "task")
            return void round.push({ run, step });
          await takeStep(playRun, run, iterator, step);
        }
      }));
      if (round.length === 0)
        break;
      const order = [...new Set(round.map((r) => r.step.task))].sort((a, b) => {
        const section = (t) => SECTION_ORDER[round.find((r) => r.step.task === t).step.section];
        return section(a) - section(b);
      });
      for (const task of order) {
        const together = round.filter((r) => r.step.task === task).sort((a, b) => runs.indexOf(a.run) - runs.indexOf(b.run));
        if (task.implicit && task.module === "meta")
          await this.flushInStep(playRun, task, together.map((r) => r.run));
        else
          await forEachLimited(together, this.options.forks, ({ run, step }) => takeStep(playRun, run, iterators.get(run), step));
      }
      for (const run of runs)
        if (run.stopped)
          playRun.once.leave(run.name);
    }
    for (const [run, iterator] of iterators) {
      await settle(this.scope, run, () => {
        run.stopped = true;
        return false;
      });
      if (iterator.failed)
        run.stopped = true;
      playRun.once.leave(run.name);
    }
  }
  /**
   * A flush point under linear, as Ansible: each handler on every host that notified it (in
   * inventory order) before the next handler; a failed handler fails its host.
   */
  async flushInStep(playRun, point, runs) {
    const gates = playRun.once.of(point);
    const fails = (run) => () => {
      run.stopped = true;
      return false;
    };
    try {
      await Promise.all(runs.map((run) => settle(this.scope, run, fails(run))));
      const consumed = new Map(runs.map((run) => [run, /* @__PURE__ */ new Set()]));
      for (const handler of this.play.handlers) {
        const names = [handler.name, ...handler.listen];
        const notified = runs.filter((run) => !run.stopped && !this.broken && names.some((n) => run.notified.has(n)));
        for (const run of notified)
          for (const name of names)
            consumed.get(run).add(name);
        await forEachLimited(notified, this.options.forks, (run) => execute(playRun, run, handler, gates, true, fails(run)));
      }
      for (const [run, names] of consumed)
        for (const name of names)
          run.notified.delete(name);
      await Promise.all(runs.map((run) => settle(this.scope, run, fails(run))));
    } finally {
      for (const run of runs)
        gates.leave(run.name);
    }
  }
  /** any_errors_fatal (or a failed run_once task) and max_fail_percentage end the play for every host of the batch. */
  afterTask(run, task, status, rescued) {
    const failed = status === "failed" && !rescued;
    if (failed)
      this.failedHosts.add(run.name);
    if (this.broken || !failed && status !== "unreachable")
      return;
    const fatal = (task.anyErrorsFatal ?? this.play.anyErrorsFatal) || task.runOnce && failed;
    const max = this.play.maxFailPercentage;
    const tooMany = max !== void 0 && this.failedHosts.size / this.hosts.length * 100 > max;
    if (!fatal && !tooMany)
      return;
    this.broken = true;
    for (const name of this.hosts) {
      const other = this.scope.hostRun(name);
      if (!other.stopped) {
        other.stopped = true;
        this.failedHosts.add(name);
      }
    }
    const why = fatal ? `any_errors_fatal: ${run.name} failed '${task.name}'` : `max_fail_percentage ${max}% exceeded (${this.failedHosts.size} of ${this.hosts.length} hosts failed)`;
    this.scope.emit({ type: "task_progress", host: run.name, task: task.name, message: `${why}; stopping every host of the play` });
  }
  /** throttle: at most N hosts run the task at once (rendered with the first host's variables; 0: no limit). */
  throttleOf(task, run) {
    if (task.throttle === void 0)
      return void 0;
    if (!this.throttles.has(task)) {
      const limit = wholeNumber2(task.throttle, "throttle", taskVars(this.layersOf(run.name), task), { what: `task '${task.name}'`, location: task.location });
      this.throttles.set(task, limit === 0 ? void 0 : new Limiter(limit));
    }
    return this.throttles.get(task);
  }
};
async function forEachLimited(items, limit, job) {
  let next = 0;
  const worker = async () => {
    while (next < items.length)
      await job(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

// dist/lib/engine/shard.js
import { createHash as createHash3 } from "node:crypto";

// dist/lib/inventory/select.js
function selectHosts(inventory, pattern, location) {
  const terms = splitPattern(pattern);
  if (terms.length === 0)
    throw new InputError(`empty host pattern '${pattern}'`, location);
  const unions = terms.filter((t) => !t.startsWith("!") && !t.startsWith("&"));
  const intersections = terms.filter((t) => t.startsWith("&")).map((t) => t.slice(1));
  const exclusions = terms.filter((t) => t.startsWith("!")).map((t) => t.slice(1));
  const selected = new Set(unions.length ? [] : allHosts(inventory));
  for (const term of unions)
    for (const host of matchTerm(inventory, term, pattern, location))
      selected.add(host);
  for (const term of intersections) {
    const keep = new Set(matchTerm(inventory, term, pattern, location));
    for (const host of selected)
      if (!keep.has(host))
        selected.delete(host);
  }
  for (const term of exclusions)
    for (const host of matchTerm(inventory, term, pattern, location))
      selected.delete(host);
  const hosts = [...inventory.hosts.values()].filter((h) => selected.has(h.name));
  if (hosts.length === 0)
    throw new InputError(`host pattern '${pattern}' matches no host`, location);
  return hosts;
}
function splitPattern(pattern) {
  const terms = [];
  for (const part of pattern.split(",")) {
    const trimmed = part.trim();
    if (!trimmed)
      continue;
    const colons = (trimmed.match(/:/g) ?? []).length;
    const isRegex = trimmed.replace(/^[!&]/, "").startsWith("~");
    const looksLikeIpv6 = colons >= 2 && /^[!&]?[0-9a-fA-F:.]+$/.test(trimmed);
    if (isRegex || looksLikeIpv6 || SUBSCRIPT.test(trimmed.replace(/^[!&]/, "")))
      terms.push(trimmed);
    else
      terms.push(...trimmed.split(":").map((t) => t.trim()).filter(Boolean));
  }
  return terms;
}
var SUBSCRIPT = /^([^[\]~]+)\[(-?\d*)(?::(-?\d*))?\]$/;
function matchTerm(inventory, term, pattern, location) {
  if (term === "all" || term === "*")
    return allHosts(inventory);
  const subscript = SUBSCRIPT.exec(term);
  const base = subscript?.[1];
  const isSubscript = subscript && base && (base === "all" || inventory.groups.has(base)) && !(subscript[3] === void 0 && subscript[2] === "") && (subscript[3] !== void 0 || !globMatchesAny(inventory, term));
  if (subscript && isSubscript) {
    const members = matchTerm(inventory, subscript[1], pattern, location);
    const index = (text) => {
      const n = Number(text);
      return n < 0 ? members.length + n : n;
    };
    if (subscript[3] === void 0) {
      const i = index(subscript[2]);
      return i >= 0 && i < members.length ? [members[i]] : [];
    }
    const start = subscript[2] === "" ? 0 : Math.max(0, index(subscript[2]));
    const end = subscript[3] === "" ? members.length - 1 : index(subscript[3]);
    return members.slice(start, end + 1);
  }
  const group = inventory.groups.get(term);
  if (group)
    return group;
  if (inventory.hosts.has(term))
    return [term];
  if (IMPLICIT_LOCALHOST.includes(term)) {
    addImplicitLocalhost(inventory, term);
    return [term];
  }
  const matcher = term.startsWith("~") ? regexOf(term.slice(1), pattern, location) : /[*?[]/.test(term) ? globToRegExp(term) : void 0;
  if (!matcher) {
    const known = [...inventory.groups.keys(), ...inventory.hosts.keys()];
    const where = term === pattern ? "" : ` in pattern '${pattern}'`;
    throw new InputError(`'${term}'${where} is neither a host nor a group of ${inventory.file}${didYouMean(term, known)}`, location);
  }
  const names = /* @__PURE__ */ new Set();
  for (const [name, members] of inventory.groups)
    if (matcher.test(name))
      for (const host of members)
        names.add(host);
  for (const name of allHosts(inventory))
    if (matcher.test(name))
      names.add(name);
  return allHosts(inventory).filter((h) => names.has(h));
}
function allHosts(inventory) {
  return inventory.groups.get("all") ?? [...inventory.hosts.keys()];
}
function globMatchesAny(inventory, term) {
  const glob = globToRegExp(term);
  return [...inventory.groups.keys(), ...inventory.hosts.keys()].some((name) => glob.test(name));
}
function regexOf(source, pattern, location) {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new InputError(`invalid regular expression in host pattern '${pattern}': ${error.message}`, location);
  }
}
function globToRegExp(glob) {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === "*")
      source += ".*";
    else if (ch === "?")
      source += ".";
    else if (ch === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close === -1)
        source += "\\[";
      else {
        const body = glob.slice(i + 1, close);
        source += `[${body.startsWith("!") ? "^" + body.slice(1) : body}]`;
        i = close;
      }
    } else
      source += ch.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

// dist/lib/engine/shard.js
function parseShard(text, by) {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count2 = match ? Number(match[2]) : NaN;
  if (!match || count2 < 1 || index < 1 || index > count2) {
    throw new InputError(`--shard must be I/N with 1 <= I <= N (e.g. --shard 2/4), got '${text}'`);
  }
  if (by !== void 0 && by.trim() === "")
    throw new InputError("--shard-by needs a group name or glob");
  return { index, count: count2, by };
}
function shardOf(inventory, host, spec) {
  const key = spec.by ? groupKey(inventory, host, spec.by) ?? `host:${host}` : `host:${host}`;
  const value = createHash3("sha256").update(key).digest().readUIntBE(0, 6);
  return value % spec.count + 1;
}
function groupKey(inventory, host, by) {
  const matcher = /[*?[]/.test(by) ? globToRegExp(by) : void 0;
  const groups = inventory.hosts.get(host)?.groups ?? [];
  const group = groups.find((g) => matcher ? matcher.test(g) : g === by);
  return group === void 0 ? void 0 : `group:${group}`;
}
var WHOLE_PLAY_VARIABLES = /\b(hostvars|play_hosts|ansible_play_hosts|ansible_play_hosts_all|ansible_play_batch)\b/;
function coordinationOf(task) {
  const extra = task;
  if (task.runOnce)
    return "run_once";
  if (task.module === "copy_from_host")
    return "copy_from_host";
  if (extra.delegateTo !== void 0)
    return "delegate_to";
  const text = JSON.stringify([task.args, task.vars, task.when, task.loop ?? null, task.changedWhen ?? null, task.failedWhen ?? null]);
  const variable = WHOLE_PLAY_VARIABLES.exec(text);
  return variable ? variable[1] : void 0;
}
function checkShardable(plan, inventory, spec) {
  for (const { play, hosts, tasks } of plan) {
    const shards = [...new Set(hosts.map((h) => shardOf(inventory, h, spec)))].sort((a, b) => a - b);
    if (shards.length <= 1)
      continue;
    const serial = play.serial;
    const why = serial !== void 0 && serial !== null ? { what: `play '${play.name}' uses serial`, location: play.location } : [...tasks, ...play.handlers].map((t) => ({ task: t, reason: coordinationOf(t) })).filter((x) => x.reason).map((x) => ({ what: `task '${x.task.name}' uses ${x.reason}`, location: x.task.location }))[0];
    if (!why)
      continue;
    throw new InputError(`--shard: ${why.what}, which needs every host of play '${play.name}' in one process, but its hosts fall in shards ${shards.join(", ")} of ${spec.count}; run it unsharded, or with --shard-by GROUP so that its hosts fall together`, why.location);
  }
}
function restrictToShard(plan, inventory, spec) {
  return plan.map((p) => ({ ...p, hosts: p.hosts.filter((h) => shardOf(inventory, h, spec) === spec.index) }));
}

// dist/lib/engine/preflight.js
import { accessSync, constants } from "node:fs";
function preflight(plan, inventory, registry, extraVars) {
  const hostvars = buildHostvars(inventory, extraVars);
  const groups = groupsRecord(inventory);
  const registers = /* @__PURE__ */ new Set(["ansible_failed_task", "ansible_failed_result", ...runtimeNames(plan, registry)]);
  for (const name of new Set(plan.flatMap((p) => p.hosts))) {
    const keyFile = inventory.hosts.get(name).connection.privateKeyFile;
    if (keyFile) {
      try {
        accessSync(keyFile, constants.R_OK);
      } catch {
        throw new InputError(`private key ${keyFile} of host '${name}' cannot be read`, inventory.hosts.get(name).location);
      }
    }
  }
  for (const { play, tasks } of plan) {
    for (const task of [...tasks, ...play.handlers]) {
      const target = task.delegateTo;
      if (target === void 0 || isTemplated(target) || inventory.hosts.has(target) || IMPLICIT_LOCALHOST.includes(target))
        continue;
      throw new InputError(`delegate_to '${target}' names no inventory host${didYouMean(target, [...inventory.hosts.keys()])}`, task.delegateLocation ?? task.location);
    }
  }
  const gathers = plan.some(({ play }) => play.gatherFacts || play.tasks.some((t) => t.module === "setup"));
  for (const { play, hosts, tasks } of plan) {
    for (const host of hosts) {
      const layers = { inventory, host, play, playHosts: hosts, registered: {}, extraVars, hostvars, groups };
      for (const task of [...tasks, ...play.handlers]) {
        if (readsRegistered(task, registers) || gathers && readsRegistered(task, { has: (n) => n.startsWith("ansible_") && !(n in inventory.hosts.get(host).vars) }))
          continue;
        const module = registry.get(task.module);
        const origin = { what: `task '${task.name}'`, location: task.location };
        for (const { vars } of itemVars(layers, task)) {
          for (const condition of task.when)
            renderValue(`{{ ${condition} }}`, vars, origin);
          let args;
          try {
            args = moduleArgs2(module, renderValue(task.args, vars, origin));
          } catch (error) {
            if (error instanceof InputError)
              throw error;
            throw new InputError(`${error.message} in task '${task.name}' on ${host}`, task.location);
          }
          try {
            module.preflight?.(args, { baseDir: task.baseDir ?? play.baseDir, render: (text, what) => renderTemplateFile(text, vars, { what: `${what} (task '${task.name}')`, location: task.location }) });
          } catch (error) {
            if (gathers && /undefined variable 'ansible_/.test(error.message))
              continue;
            if (error instanceof InputError)
              throw error;
            throw new InputError(`${error.message} (task '${task.name}')`, task.location);
          }
        }
      }
    }
  }
}
function runtimeNames(plan, registry) {
  const names = /* @__PURE__ */ new Set();
  for (const { play } of plan) {
    for (const task of [...play.tasks, ...play.handlers]) {
      if (task.register)
        names.add(task.register);
      const factsAs = registry.get(task.module)?.factsAs;
      if (factsAs === "set") {
        for (const name of Object.keys(task.args))
          if (name !== "cacheable")
            names.add(name);
      }
      if (factsAs === "included") {
        if (typeof task.args.name === "string")
          names.add(task.args.name);
        else
          for (const name of includedNames(task.args, play.baseDir))
            names.add(name);
      }
    }
  }
  return names;
}
function includedNames(args, baseDir) {
  const file = args.file ?? args._raw_params;
  if (typeof file !== "string" || isTemplated(file))
    return ["*"];
  try {
    return Object.keys(loadVarsFile(file.trim(), baseDir).vars);
  } catch {
    return [];
  }
}
function readsRegistered(task, registers) {
  const texts = [];
  const collect = (value) => {
    if (typeof value === "string")
      texts.push(value.includes("{{") || value.includes("{%") ? value : "");
    else if (Array.isArray(value))
      value.forEach(collect);
    else if (value && typeof value === "object")
      Object.values(value).forEach(collect);
  };
  collect([task.args, task.loop]);
  const names = [...texts.filter(Boolean).flatMap((t) => referencedVariables(t, { includeOptional: true })), ...task.when.flatMap((c) => referencedVariables(c, { expression: true, includeOptional: true }))];
  return names.length > 0 && (registers.has("*") || names.some((n) => registers.has(n)));
}

// dist/lib/engine/plan.js
function planRun(input) {
  const { inventory, limit } = input;
  const limited = limit ? new Set(selectHosts(inventory, limit).map((h) => h.name)) : void 0;
  const plan = input.plays.map((play) => {
    const tagFilter = { tags: input.tags, skipTags: input.skipTags };
    const body = selectEntries(play.body, tagFilter);
    return {
      play,
      hosts: selectHosts(inventory, play.hosts, play.location).map((h) => h.name).filter((h) => !limited || limited.has(h)),
      body,
      tasks: flattenEntries(body).filter((t) => !t.implicit),
      tagFilter
    };
  });
  if (!input.shard) {
    preflight(plan, inventory, input.registry, input.extraVars);
    return plan;
  }
  checkShardable(plan, inventory, input.shard);
  const sliced = restrictToShard(plan, inventory, input.shard);
  preflight(sliced, inventory, input.registry, input.extraVars);
  return sliced;
}

// dist/lib/report/json.js
var JsonReporter = class {
  options;
  tally = new RecapTally();
  finished = false;
  constructor(options) {
    this.options = options;
  }
  onEvent(event) {
    this.tally.observe(event);
    switch (event.type) {
      case "task_start":
      case "task_progress":
      case "recap":
        return;
      case "task_result": {
        const { diff, ...rest } = event;
        const withDiff = this.options.diff && diff ? { ...rest, diff: diff.map(diffForJson) } : rest;
        this.writeLine(withDiff);
        return;
      }
      default:
        this.writeLine(event);
    }
  }
  async finish() {
    if (this.finished)
      return;
    this.finished = true;
    this.writeLine(recapLine(this.tally.recap()));
  }
  writeLine(value) {
    this.options.out.write(`${JSON.stringify(value)}
`);
  }
};
function recapLine(recap) {
  const hosts = Object.fromEntries(Object.entries(recap.hosts).map(([name, host]) => [
    name,
    // ansible-playbook's recap columns, in its order.
    { ok: host.ok, changed: host.changed, unreachable: host.unreachable, failed: host.failed, skipped: host.skipped, rescued: host.rescued ?? 0, ignored: host.ignored ?? 0, ...host.interrupted ? { interrupted: true } : {} }
  ]));
  return { type: "recap", hosts, transport: recap.transport, durationMs: recap.durationMs };
}

// dist/lib/report/plain.js
var PlainReporter = class {
  options;
  palette;
  tally = new RecapTally();
  dryRun = false;
  finished = false;
  constructor(options) {
    this.options = options;
    this.palette = createPalette(options.color ?? colorForcedByEnv());
  }
  onEvent(event) {
    this.tally.observe(event);
    const text = this.render(event);
    if (text !== void 0)
      this.write(text);
  }
  async finish() {
    if (this.finished)
      return;
    this.finished = true;
    this.write(`
${formatRecapTable(this.tally.recap(), this.palette)}`);
  }
  render(event) {
    const { palette } = this;
    switch (event.type) {
      case "run_start":
        this.dryRun = event.dryRun;
        return event.dryRun ? formatDryRunBanner(palette) : void 0;
      case "play_start":
        return `
${formatPlayHeader(event.play, this.dryRun, palette)}`;
      case "task_progress":
        return this.options.verbose ? palette.paint("dim", `  ... [${event.host}] ${event.task}: ${event.message}`) : void 0;
      case "task_retry":
        return palette.paint("dim", `FAILED - RETRYING: [${event.host}]: ${event.task} (${event.retriesLeft} ${event.retriesLeft === 1 ? "retry" : "retries"} left).`);
      case "task_result": {
        const line = formatResultLine(event, { verbose: this.options.verbose, palette });
        const output = (this.options.verbosity ?? 0) >= 1 ? formatTaskOutput(event, palette) : "";
        const diffs = this.options.diff ? formatResultDiffs(event, palette) : "";
        return [line, output, diffs].filter(Boolean).join("\n");
      }
      case "host_unreachable":
        return formatUnreachableLine(event.host, event.message, palette);
      case "task_start":
      case "play_end":
      case "recap":
        return void 0;
    }
  }
  write(text) {
    this.options.out.write(`${text}
`);
  }
};

// dist/lib/report/index.js
async function createReporter(kind, options) {
  switch (kind) {
    case "tty": {
      const { TtyReporter } = await import("./tty-RO4G6YR6.js");
      return new TtyReporter(options);
    }
    case "plain":
      return new PlainReporter(options);
    case "json":
      return new JsonReporter(options);
  }
}

// dist/lib/cli/extra-vars.js
import { readFileSync as readFileSync4 } from "node:fs";
function parseExtraVars(values) {
  const vars = {};
  for (const value of values) {
    if (value.startsWith("@")) {
      const file = value.slice(1);
      let data;
      try {
        data = yaml.load(readFileSync4(file, "utf8"), { filename: file });
      } catch (error) {
        throw new InputError(`extra vars file ${file}: ${error.message}`);
      }
      if (!isRecord(data))
        throw new InputError(`extra vars file ${file} must hold a mapping`);
      Object.assign(vars, data);
    } else if (value.trim().startsWith("{")) {
      try {
        Object.assign(vars, JSON.parse(value));
      } catch (error) {
        throw new InputError(`extra vars ${value}: ${error.message}`);
      }
    } else {
      for (const pair of value.split(/\s+(?=[A-Za-z_][\w]*=)/)) {
        const eq = pair.indexOf("=");
        if (eq <= 0)
          throw new InputError(`extra vars '${pair}' must be key=value, @file or a JSON object`);
        vars[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
  }
  return vars;
}
function isRecord(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// dist/lib/cli/session.js
import { readFileSync as readFileSync6 } from "node:fs";
import { homedir as homedir3 } from "node:os";
import { join as join4, resolve as resolve5 } from "node:path";

// dist/lib/cli/ansible-config.js
import { accessSync as accessSync2, constants as constants2, existsSync as existsSync5, readFileSync as readFileSync5, statSync as statSync2 } from "node:fs";
import { homedir as homedir2 } from "node:os";
import { dirname as dirname4, isAbsolute as isAbsolute3, join as join3, resolve as resolve4 } from "node:path";
var SETTINGS = [
  { key: "inventory", section: "defaults", ini: "inventory", env: "ANSIBLE_INVENTORY", kind: "pathlist" },
  { key: "remoteUser", section: "defaults", ini: "remote_user", env: "ANSIBLE_REMOTE_USER", kind: "string" },
  { key: "privateKeyFile", section: "defaults", ini: "private_key_file", env: "ANSIBLE_PRIVATE_KEY_FILE", kind: "path" },
  { key: "forks", section: "defaults", ini: "forks", env: "ANSIBLE_FORKS", kind: "integer" },
  { key: "timeout", section: "defaults", ini: "timeout", env: "ANSIBLE_TIMEOUT", kind: "integer" },
  { key: "rolesPath", section: "defaults", ini: "roles_path", env: "ANSIBLE_ROLES_PATH", kind: "pathspec" },
  { key: "hostKeyChecking", section: "defaults", ini: "host_key_checking", env: "ANSIBLE_HOST_KEY_CHECKING", kind: "boolean" },
  { key: "vaultPasswordFile", section: "defaults", ini: "vault_password_file", env: "ANSIBLE_VAULT_PASSWORD_FILE", kind: "path" },
  { key: "becomePasswordFile", section: "defaults", ini: "become_password_file", env: "ANSIBLE_BECOME_PASSWORD_FILE", kind: "path" },
  { key: "verbosity", section: "defaults", ini: "verbosity", env: "ANSIBLE_VERBOSITY", kind: "integer" },
  { key: "become", section: "privilege_escalation", ini: "become", env: "ANSIBLE_BECOME", kind: "boolean" },
  { key: "becomeUser", section: "privilege_escalation", ini: "become_user", env: "ANSIBLE_BECOME_USER", kind: "string" },
  { key: "becomeAskPass", section: "privilege_escalation", ini: "become_ask_pass", env: "ANSIBLE_BECOME_ASK_PASS", kind: "boolean" }
];
var IGNORED_WITH_NOTE = [{ section: "defaults", ini: "stdout_callback", env: "ANSIBLE_STDOUT_CALLBACK", why: "runbook has its own output modes (--output tty|plain|json)" }];
function loadAnsibleConfig(env = process.env, cwd = process.cwd()) {
  const config = { notes: [] };
  const file = findConfigFile(env, cwd, config.notes);
  const ini = file ? parseIni(readFileSync5(file, "utf8"), file) : /* @__PURE__ */ new Map();
  config.file = file;
  for (const setting of SETTINGS) {
    const fromEnv = env[setting.env];
    const fromFile = ini.get(setting.section)?.get(setting.ini);
    if (fromEnv !== void 0 && fromEnv !== "") {
      config[setting.key] = convert(setting, fromEnv, setting.env, cwd);
    } else if (fromFile !== void 0) {
      config[setting.key] = convert(setting, fromFile.value, `${file}:${fromFile.line}: ${setting.ini}`, dirname4(file));
    }
  }
  for (const ignored of IGNORED_WITH_NOTE) {
    const value = env[ignored.env] || ini.get(ignored.section)?.get(ignored.ini)?.value;
    if (value && value !== "default")
      config.notes.push(`${ignored.ini} = ${value} is ignored: ${ignored.why}`);
  }
  return config;
}
function findConfigFile(env, cwd, notes) {
  const candidates = [];
  const fromEnv = env.ANSIBLE_CONFIG;
  if (fromEnv !== void 0) {
    const path = resolve4(cwd, expandHome(fromEnv));
    candidates.push(isDirectory(path) ? join3(path, "ansible.cfg") : path);
  }
  const here = join3(cwd, "ansible.cfg");
  if (worldWritable(cwd)) {
    if (existsSync5(here))
      notes.push(`${here} is ignored: ${cwd} is world-writable (as Ansible does)`);
  } else {
    candidates.push(here);
  }
  candidates.push(join3(homedir2(), ".ansible.cfg"), "/etc/ansible/ansible.cfg");
  return candidates.find((path) => readable(path));
}
function parseIni(text, file) {
  const sections = /* @__PURE__ */ new Map();
  let current;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\s;.*$/, "").trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";"))
      return;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      current = sections.get(section[1].trim()) ?? /* @__PURE__ */ new Map();
      sections.set(section[1].trim(), current);
      return;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!pair)
      throw new InputError(`${file}:${index + 1}: cannot read '${raw.trim()}' (expected key = value)`);
    if (!current)
      throw new InputError(`${file}:${index + 1}: '${pair[1]}' comes before any [section]`);
    current.set(pair[1].toLowerCase(), { value: pair[2], line: index + 1 });
  });
  return sections;
}
function convert(setting, value, origin, baseDir) {
  const text = value.trim().replace(/^(['"])(.*)\1$/, "$2");
  switch (setting.kind) {
    case "string":
      return text;
    case "path":
      return resolvePath(text, baseDir);
    case "pathlist":
      return text.split(",").map((p) => p.trim()).filter(Boolean).map((p) => resolvePath(p, baseDir));
    case "pathspec":
      return text.split(":").map((p) => p.trim()).filter(Boolean).map((p) => resolvePath(p, baseDir));
    case "integer": {
      if (!/^-?\d+$/.test(text))
        throw new InputError(`${origin}: '${value}' is not a whole number`);
      return Number(text);
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (["y", "yes", "on", "1", "true", "t"].includes(lower))
        return true;
      if (["n", "no", "off", "0", "false", "f", ""].includes(lower))
        return false;
      throw new InputError(`${origin}: '${value}' is not a boolean (yes/no, true/false, on/off, 1/0)`);
    }
  }
}
function resolvePath(path, baseDir) {
  const expanded = expandHome(path);
  return isAbsolute3(expanded) ? expanded : resolve4(baseDir, expanded);
}
function expandHome(path) {
  return path === "~" || path.startsWith("~/") ? join3(homedir2(), path.slice(1)) : path;
}
function isDirectory(path) {
  try {
    return statSync2(path).isDirectory();
  } catch {
    return false;
  }
}
function worldWritable(dir) {
  try {
    return (statSync2(dir).mode & 2) !== 0;
  } catch {
    return false;
  }
}
function readable(path) {
  try {
    accessSync2(path, constants2.R_OK);
    return statSync2(path).isFile();
  } catch {
    return false;
  }
}

// dist/lib/cli/session.js
var DEFAULT_FORKS = 100;
var DEFAULT_CONNECT_TIMEOUT_S = 10;
var DEFAULT_FACT_TIMEOUT_S = 60;
async function settleSession(args) {
  const config = loadAnsibleConfig();
  checkOnlyChoice("--connection", args.connection, ["ssh", "smart", "paramiko"], "runbook always connects over SSH");
  checkOnlyChoice("--become-method", args.becomeMethod, ["sudo"], "runbook becomes another user through sudo only");
  const forks = args.forks !== void 0 ? wholeNumber("--forks", args.forks, 1) : config.forks !== void 0 ? wholeNumber(`forks (${config.file ?? "ANSIBLE_FORKS"})`, config.forks, 1) : DEFAULT_FORKS;
  const timeout = args.connectTimeout !== void 0 ? positiveSeconds("--connect-timeout", args.connectTimeout) : config.timeout !== void 0 ? positiveSeconds(`timeout (${config.file ?? "ANSIBLE_TIMEOUT"})`, config.timeout) : DEFAULT_CONNECT_TIMEOUT_S;
  const knownHostsFile = fileOrAbsent("--known-hosts", args.knownHosts ?? join4(homedir3(), ".ssh", "known_hosts"));
  const verbosity = args.verbose || config.verbosity || 0;
  const output = args.output ?? (process.stdout.isTTY ? "tty" : "plain");
  if (verbosity > 0 && config.file)
    process.stderr.write(`Using ${config.file} as config file
`);
  else if (verbosity > 0)
    process.stderr.write("No config file found; using defaults\n");
  for (const note of config.notes)
    process.stderr.write(`[NOTE] ${note}
`);
  return {
    config,
    forks,
    connectTimeoutMs: timeout * 1e3,
    keepaliveMs: args.keepalive !== void 0 ? positiveSeconds("--keepalive", args.keepalive) * 1e3 : void 0,
    factTimeoutMs: (args.factTimeout !== void 0 ? positiveSeconds("--fact-timeout", args.factTimeout) : DEFAULT_FACT_TIMEOUT_S) * 1e3,
    knownHostsFile,
    // host_key_checking = False: trust a host's first key, as OpenSSH's StrictHostKeyChecking=no does; a changed key is still refused.
    acceptNewHostKeys: args.acceptNewHostKeys === true || config.hostKeyChecking === false,
    verbosity,
    output,
    color: args.color,
    becomePassword: await becomePassword(args, config),
    rolesPath: config.rolesPath ?? [],
    vaultPasswordFile: config.vaultPasswordFile
  };
}
function connectionRunOptions(session) {
  const { forks, knownHostsFile, acceptNewHostKeys, connectTimeoutMs, factTimeoutMs, keepaliveMs, verbosity, becomePassword: becomePassword2 } = session;
  return { forks, knownHostsFile, acceptNewHostKeys, connectTimeoutMs, factTimeoutMs, keepaliveMs, verbosity, becomePassword: becomePassword2 };
}
function loadInventories(files, args, config, playbookDir) {
  if (files.length === 0)
    throw new InputError("no inventory: name one with -i INVENTORY (or set inventory in ansible.cfg / ANSIBLE_INVENTORY)");
  const loaded2 = loadInventory(files);
  const inventory = playbookDir !== void 0 ? withPlaybookDir(loaded2, playbookDir) : loaded2;
  applyConnectionDefaults(inventory, args, config);
  return inventory;
}
function applyConnectionDefaults(inventory, args, config) {
  const user = args.user ?? config.remoteUser;
  const keyFile = args.privateKey ?? config.privateKeyFile;
  if (keyFile !== void 0)
    existingFile(args.privateKey ? "--private-key" : "private_key_file", keyFile);
  const become = args.become === true ? true : config.become;
  const becomeUser = args.becomeUser ?? config.becomeUser;
  const has = (vars, ...names) => names.some((n) => vars[n] !== void 0);
  for (const host of inventory.hosts.values()) {
    const { vars, connection } = host;
    if (user !== void 0 && !has(vars, "ansible_user", "ansible_ssh_user"))
      connection.user = user;
    if (keyFile !== void 0 && !has(vars, "ansible_ssh_private_key_file", "ansible_private_key_file"))
      connection.privateKeyFile = resolve5(keyFile);
    if (become !== void 0 && !has(vars, "ansible_become"))
      connection.become = become;
    if (becomeUser !== void 0 && !has(vars, "ansible_become_user"))
      connection.becomeUser = becomeUser;
  }
}
async function becomePassword(args, config) {
  const file = args.becomePasswordFile ?? config.becomePasswordFile;
  if (file !== void 0) {
    existingFile("--become-password-file", file);
    return readFileSync6(file, "utf8").replace(/\r?\n$/, "");
  }
  if (args.askBecomePass || config.becomeAskPass) {
    if (!process.stdin.isTTY)
      throw new InputError("-K/--ask-become-pass asks for the password on a terminal, and stdin is not one (use --become-password-file)");
    return promptHidden("BECOME password: ");
  }
  return void 0;
}
function configuredInventory(config) {
  return config.inventory ?? [];
}

// dist/lib/cli/verbose.js
function connectionDetails(inventory, hosts, session) {
  const lines = [`known_hosts: ${session.knownHostsFile}${session.acceptNewHostKeys ? " (new host keys accepted and recorded)" : ""}; connect timeout ${session.connectTimeoutMs / 1e3}s; forks ${session.forks}`];
  for (const name of new Set(hosts)) {
    const { connection } = inventory.hosts.get(name);
    const key = connection.privateKeyFile ?? (process.env.SSH_AUTH_SOCK ? "ssh-agent or ~/.ssh/id_*" : "~/.ssh/id_*");
    const become = connection.become ? `; become ${connection.becomeUser ?? "root"} via sudo${session.becomePassword !== void 0 ? " (password set)" : ""}` : "";
    lines.push(`<${name}> ESTABLISH SSH CONNECTION FOR USER: ${connection.user} to ${connection.address}:${connection.port} (key: ${key})${become}`);
  }
  return lines;
}

export {
  KeyError,
  loadPrivateKey,
  isBlock,
  flattenEntries,
  loadPlaybookFile,
  parsePlaybook,
  runPlaybooks,
  parseShard,
  planRun,
  createReporter,
  parseExtraVars,
  settleSession,
  connectionRunOptions,
  loadInventories,
  configuredInventory,
  connectionDetails
};
