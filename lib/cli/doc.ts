import { InputError, didYouMean } from '../errors.js';
import type { ArgSpec, ModuleDefinition } from '../modules/types.js';
import { defaultRegistry } from '../modules/index.js';

/** `runbook doc`: the module list; `runbook doc MODULE`: its arguments, from its argument spec, and an example. */
export function docCommand(name: string | undefined): number {
  const registry = defaultRegistry();
  if (name === undefined) {
    process.stdout.write(formatModuleList(registry.modules()));
    return 0;
  }
  const module = registry.get(name);
  if (!module) throw new InputError(`no module named '${name}'${didYouMean(name, registry.names())}; runbook doc lists them`);
  process.stdout.write(formatModuleDoc(module));
  return 0;
}

export function formatModuleList(modules: ModuleDefinition[]): string {
  const width = Math.max(...modules.map((m) => m.name.length));
  return `${modules.map((m) => `${m.name.padEnd(width)}  ${firstSentence(m.description)}`).join('\n')}\n\nrunbook doc MODULE shows a module's arguments and an example.\n`;
}

export function formatModuleDoc(module: ModuleDefinition): string {
  const lines = [`${module.name}: ${module.description}`];
  const aliases = [...(module.aliases ?? []), `ansible.builtin.${module.name}`];
  lines.push(`names: ${[module.name, ...aliases].join(', ')}`);
  if (module.freeForm) lines.push('free form: its main argument is the text after the module name (see the example)');
  lines.push('', 'ARGUMENTS');
  const entries = Object.entries(module.args).filter(([arg]) => !arg.startsWith('_'));
  for (const [arg, spec] of entries) {
    lines.push(`  ${arg}${spec.required ? ' (required)' : ''}`);
    lines.push(`      type: ${typeLabel(spec)}${spec.default !== undefined ? `; default: ${JSON.stringify(spec.default)}` : ''}${spec.noLog ? '; secret (never shown)' : ''}`);
    if (spec.choices) lines.push(`      choices: ${spec.choices.join(', ')}`);
    if (spec.aliases?.length) lines.push(`      aliases: ${spec.aliases.join(', ')}`);
    if (spec.description) lines.push(`      ${spec.description}`);
  }
  if (entries.length === 0) lines.push('  (none)');
  if (module.example) lines.push('', 'EXAMPLE', ...module.example.replace(/\n+$/, '').split('\n').map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

function typeLabel(spec: ArgSpec): string {
  return spec.type === 'list' && spec.elements ? `list of ${spec.elements}` : spec.type;
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end > 0 ? text.slice(0, end + 1) : text;
}
