import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  defaultRegistry
} from "./chunk-H2E5YLVL.js";
import "./chunk-DNMEMACC.js";
import "./chunk-CEXGABJJ.js";
import {
  InputError,
  didYouMean
} from "./chunk-2UVUKPLH.js";
import "./chunk-J7TIHFHR.js";

// dist/lib/cli/doc.js
function docCommand(name) {
  const registry = defaultRegistry();
  if (name === void 0) {
    process.stdout.write(formatModuleList(registry.modules()));
    return 0;
  }
  const module = registry.get(name);
  if (!module)
    throw new InputError(`no module named '${name}'${didYouMean(name, registry.names())}; runbook doc lists them`);
  process.stdout.write(formatModuleDoc(module));
  return 0;
}
function formatModuleList(modules) {
  const width = Math.max(...modules.map((m) => m.name.length));
  return `${modules.map((m) => `${m.name.padEnd(width)}  ${firstSentence(m.description)}`).join("\n")}

runbook doc MODULE shows a module's arguments and an example.
`;
}
function formatModuleDoc(module) {
  const lines = [`${module.name}: ${module.description}`];
  const aliases = [...module.aliases ?? [], `ansible.builtin.${module.name}`];
  lines.push(`names: ${[module.name, ...aliases].join(", ")}`);
  if (module.freeForm)
    lines.push("free form: its main argument is the text after the module name (see the example)");
  lines.push("", "ARGUMENTS");
  const entries = Object.entries(module.args).filter(([arg]) => !arg.startsWith("_"));
  for (const [arg, spec] of entries) {
    lines.push(`  ${arg}${spec.required ? " (required)" : ""}`);
    lines.push(`      type: ${typeLabel(spec)}${spec.default !== void 0 ? `; default: ${JSON.stringify(spec.default)}` : ""}${spec.noLog ? "; secret (never shown)" : ""}`);
    if (spec.choices)
      lines.push(`      choices: ${spec.choices.join(", ")}`);
    if (spec.aliases?.length)
      lines.push(`      aliases: ${spec.aliases.join(", ")}`);
    if (spec.description)
      lines.push(`      ${spec.description}`);
  }
  if (entries.length === 0)
    lines.push("  (none)");
  if (module.example)
    lines.push("", "EXAMPLE", ...module.example.replace(/\n+$/, "").split("\n").map((l) => `  ${l}`));
  return `${lines.join("\n")}
`;
}
function typeLabel(spec) {
  return spec.type === "list" && spec.elements ? `list of ${spec.elements}` : spec.type;
}
function firstSentence(text) {
  const end = text.search(/\.(\s|$)/);
  return end > 0 ? text.slice(0, end + 1) : text;
}
export {
  docCommand,
  formatModuleDoc,
  formatModuleList
};
