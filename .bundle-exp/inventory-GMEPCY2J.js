import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  VarsFiles,
  loadInventory,
  withPlaybookDir
} from "./chunk-DFV3BYGA.js";
import "./chunk-DNMEMACC.js";
import {
  configureVault
} from "./chunk-JQYNUFO3.js";
import {
  REDACTED,
  isSecret,
  vaultTextOf
} from "./chunk-CEXGABJJ.js";
import {
  InputError
} from "./chunk-2UVUKPLH.js";
import "./chunk-J7TIHFHR.js";

// dist/lib/cli/inventory.js
import { resolve } from "node:path";

// dist/lib/inventory/report.js
var INTERNAL_VARS = /* @__PURE__ */ new Set([
  "ansible_diff_mode",
  "ansible_config_file",
  "ansible_facts",
  "ansible_forks",
  "ansible_inventory_sources",
  "ansible_limit",
  "ansible_playbook_python",
  "ansible_run_tags",
  "ansible_skip_tags",
  "ansible_verbosity",
  "ansible_version",
  "inventory_dir",
  "inventory_file",
  "inventory_hostname",
  "inventory_hostname_short",
  "groups",
  "group_names",
  "omit",
  "playbook_dir"
]);
function tree(inventory) {
  if (!inventory.groupTree)
    throw new InputError("this inventory has no group tree");
  return inventory.groupTree;
}
function hostVariables(inventory, name) {
  const host = inventory.hosts.get(name);
  if (!host)
    throw new InputError(`--host: '${name}' is not a host of the inventory`);
  const vars = {};
  for (const [key, value] of Object.entries(host.vars))
    if (!INTERNAL_VARS.has(key))
      vars[key] = shown(value);
  return vars;
}
function listInventory(inventory) {
  const groups = tree(inventory);
  const result = {};
  const seen = /* @__PURE__ */ new Set();
  const format = (name) => {
    const group = groups.get(name);
    const entry = {};
    if (name !== "all" && group.hosts.length > 0)
      entry.hosts = [...group.hosts];
    if (group.children.length > 0)
      entry.children = [...group.children];
    if (Object.keys(entry).length > 0)
      result[name] = entry;
    for (const child of group.children) {
      if (!seen.has(child)) {
        seen.add(child);
        format(child);
      }
    }
  };
  format("all");
  const hostvars = {};
  for (const name of inventory.hosts.keys()) {
    const vars = hostVariables(inventory, name);
    if (Object.keys(vars).length > 0)
      hostvars[name] = vars;
  }
  result._meta = { hostvars };
  return result;
}
function graphInventory(inventory, start = "all", showVars = false) {
  const groups = tree(inventory);
  if (!groups.has(start))
    throw new InputError(`--graph: '${start}' is not a group of the inventory`);
  const varsFiles = new VarsFiles();
  const lines = [];
  const line = (text, depth) => lines.push(depth ? `${"  |".repeat(depth)}--${text}` : text);
  const showAll = (vars, depth) => {
    for (const key of Object.keys(vars).sort())
      line(`{${key} = ${pythonText(shown(vars[key]))}}`, depth);
  };
  const walk = (name, depth) => {
    const group = groups.get(name);
    line(`@${name}:`, depth);
    for (const child of group.children)
      walk(child, depth + 1);
    if (name !== "all") {
      for (const host of group.hosts) {
        line(host, depth + 1);
        if (showVars)
          showAll(hostVariables(inventory, host), depth + 2);
      }
    }
    if (showVars) {
      const vars = { ...group.vars };
      for (const dir of [...inventory.sourceDirs ?? [], ...inventory.playbookDir ? [inventory.playbookDir] : []])
        Object.assign(vars, varsFiles.groupVars(dir, name));
      if (group.priority !== 1)
        vars.ansible_group_priority = group.priority;
      showAll(vars, depth + 1);
    }
  };
  walk(start, 0);
  return lines.join("\n");
}
function inventoryJson(value) {
  return JSON.stringify(sortKeys(value), null, 4);
}
function sortKeys(value) {
  if (Array.isArray(value))
    return value.map(sortKeys);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  }
  return value;
}
function shown(value) {
  if (isSecret(value)) {
    const vaultText = typeof value === "string" ? vaultTextOf(value) : void 0;
    if (vaultText)
      return { __ansible_vault: vaultText };
    if (typeof value === "string")
      return REDACTED;
  }
  if (typeof value === "object" && value !== null && "toJSON" in value && typeof value.toJSON === "function")
    return value.toJSON();
  if (Array.isArray(value))
    return value.map(shown);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shown(v)]));
  return value;
}
function pythonText(value, nested = false) {
  if (value === null || value === void 0)
    return "None";
  if (value === true)
    return "True";
  if (value === false)
    return "False";
  if (typeof value === "number")
    return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(value);
  if (typeof value === "string")
    return nested ? pythonQuote(value) : value;
  if (Array.isArray(value))
    return `[${value.map((v) => pythonText(v, true)).join(", ")}]`;
  if (typeof value === "object")
    return `{${Object.entries(value).map(([k, v]) => `${pythonQuote(k)}: ${pythonText(v, true)}`).join(", ")}}`;
  return String(value);
}
function pythonQuote(text) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t").replace(/\r/g, "\\r");
  return `${quote}${quote === "'" ? escaped.replace(/'/g, "\\'") : escaped}${quote}`;
}

// dist/lib/cli/inventory.js
async function inventoryCommand(args) {
  const actions = [args.list, args.host !== void 0, args.graph].filter(Boolean).length;
  if (actions !== 1)
    throw new InputError("name exactly one of --list, --host NAME or --graph");
  const sources = args.inventory ?? [];
  if (sources.length === 0)
    throw new InputError("name an inventory: runbook inventory -i INVENTORY --list");
  await configureVault(args);
  let inventory = loadInventory(sources);
  if (args.playbookDir)
    inventory = withPlaybookDir(inventory, resolve(args.playbookDir));
  let output;
  if (args.list)
    output = inventoryJson(listInventory(inventory));
  else if (args.host !== void 0)
    output = inventoryJson(hostVariables(inventory, args.host));
  else
    output = graphInventory(inventory, args.group ?? "all", args.vars);
  process.stdout.write(`${output}
`);
  return 0;
}
export {
  inventoryCommand
};
