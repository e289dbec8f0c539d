import type { ArgSpec, ArgType, ModuleDefinition } from '../modules/types.js';
import { argRuleError } from '../modules/arg-rules.js';
import { InputError } from '../errors.js';
import { absolutePathError, convertType, normaliseMode } from '../playbook/args.js';
import { isRelativeMode, resolveMode, symbolicModeError } from '../util/modes.js';

/** Thrown when a rendered argument has the wrong type; the task fails with this message. */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

/**
 * Octal mode as four digits, read as the digits the user wrote (0644 and 644 are both 0644;
 * see lib/playbook/args.ts). A symbolic mode that does not depend on the path ('u=rw,g=r,o=')
 * becomes octal too; one that does ('u+x', 'u=rw,g=r', 'a+X') stays symbolic, resolved by the
 * module against the path's mode (lib/util/modes.ts, as Ansible resolves it).
 */
export function normalizeMode(value: unknown): string {
  const octal = typeof value === 'string' && /[=+-]/.test(value) ? undefined : normaliseMode(value);
  if (octal !== undefined) return octal;
  if (typeof value !== 'string') throw new ArgumentError(`invalid mode ${JSON.stringify(value)}: use octal such as '0644'`);
  const text = value.trim();
  const error = symbolicModeError(text);
  if (error) throw new ArgumentError(error);
  return isRelativeMode(text) ? text : resolveMode(text, '0000', false);
}

/** A rendered argument in its declared type: the loader's conversion, failing the task instead of the load. */
export function coerce(name: string, value: unknown, type: ArgType, elements?: ArgType): unknown {
  // At run time an absolute symbolic mode becomes octal, so it compares with the host's; a relative one is the module's to resolve.
  if (type === 'mode') return normalizeMode(value);
  try {
    return convertType(value, type, elements, `argument '${name}'`, undefined, undefined, false);
  } catch (error) {
    if (error instanceof InputError) throw new ArgumentError(error.message);
    throw error;
  }
}

/** Apply defaults, check required and choices, and coerce every argument to its declared type. */
export function coerceArgs(specs: Record<string, ArgSpec>, args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    let value = args[name];
    if (value === undefined || value === null) value = spec.default;
    if (value === undefined || value === null) {
      if (spec.required) throw new ArgumentError(`missing required argument '${name}'`);
      continue;
    }
    value = coerce(name, value, spec.type, spec.elements);
    const notAbsolute = absolutePathError(value, spec);
    if (notAbsolute) throw new ArgumentError(`argument '${name}' ${notAbsolute}`);
    if (spec.choices && !spec.choices.includes(String(value))) {
      throw new ArgumentError(`argument '${name}' must be one of ${spec.choices.join(', ')}, got ${JSON.stringify(value)}`);
    }
    out[name] = value;
  }
  for (const name of Object.keys(args)) if (name.startsWith('_')) out[name] = args[name];
  // Free-form text must still be text after templating ('{{ [1, 2] }}' is not a command line).
  if (out._raw_params !== undefined && out._raw_params !== null && typeof out._raw_params !== 'string') {
    const value = out._raw_params;
    if (typeof value === 'number' || typeof value === 'boolean') out._raw_params = String(value);
    else throw new ArgumentError(`argument 'cmd' (the free-form command) must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}: ${JSON.stringify(value)}`);
  }
  return out;
}

/** A task's rendered arguments, as its module takes them: declared types, defaults, the rules between them. */
export function moduleArgs(module: ModuleDefinition, rendered: Record<string, unknown>): Record<string, unknown> {
  const args = coerceArgs(module.args, rendered);
  if (module.anyArgs) for (const [name, value] of Object.entries(rendered)) if (!(name in module.args)) args[name] = value;
  const ruleError = argRuleError(module, args);
  if (ruleError) throw new ArgumentError(`${module.name}: ${ruleError}`);
  return args;
}
