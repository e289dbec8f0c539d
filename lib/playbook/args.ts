import { InputError, didYouMean, type SourceLocation } from '../errors.js';
import type { ArgSpec, ArgType, ModuleDefinition } from '../modules/types.js';

/** Where each argument of a task was written, for errors and for reading modes as written. */
export interface ArgOrigins {
  /** Where the argument's name is written (the module key when unknown). */
  location(key: string): SourceLocation;
  /** Where its value is written. */
  valueLocation(key: string): SourceLocation;
  /** The value's source text when it came from YAML (`0644`, `0o644`); undefined otherwise. */
  writtenAs(key: string): string | undefined;
}

/** The free-form text of command/shell; allowed for freeForm modules even if undeclared. */
export const RAW_PARAMS = '_raw_params';

/**
 * Checks a task's arguments against the module's ArgSpec and returns them normalised:
 * aliases renamed to canonical names, literal values converted to the declared type
 * (`'yes'` → true for bool, `'8'` → 8 for int, `'a,b'` → ['a','b'] for list, modes to
 * four-digit strings), defaults filled in. Values holding a template (`{{`, `{%`) are
 * left untouched: only the run time knows what they render to.
 */
export function normaliseArgs(module: ModuleDefinition, given: Record<string, unknown>, origins: ArgOrigins): Record<string, unknown> {
  const canonicalOf = new Map<string, string>();
  for (const [name, spec] of Object.entries(module.args)) {
    canonicalOf.set(name, name);
    for (const alias of spec.aliases ?? []) canonicalOf.set(alias, name);
  }
  if (module.freeForm && !canonicalOf.has(RAW_PARAMS)) canonicalOf.set(RAW_PARAMS, RAW_PARAMS);

  const args: Record<string, unknown> = {};
  const writtenKey = new Map<string, string>();
  for (const [key, value] of Object.entries(given)) {
    const name = canonicalOf.get(key) ?? (module.anyArgs ? key : undefined);
    if (name === undefined) {
      const known = [...canonicalOf.keys()].filter((k) => k !== RAW_PARAMS);
      throw new InputError(`unknown argument '${key}' for module '${module.name}'${didYouMean(key, known)}`, origins.location(key));
    }
    if (writtenKey.has(name)) {
      throw new InputError(`argument '${name}' of module '${module.name}' given twice (as '${writtenKey.get(name)}' and '${key}')`, origins.location(key));
    }
    writtenKey.set(name, key);
    const spec = module.args[name] ?? { type: module.anyArgs ? 'raw' : 'str' };
    args[name] = convertValue(value, spec, `argument '${key}' of module '${module.name}'`, origins.valueLocation(key), origins.writtenAs(key));
  }

  for (const [name, spec] of Object.entries(module.args)) {
    if (args[name] !== undefined && args[name] !== null) continue;
    if (spec.default !== undefined) args[name] = structuredClone(spec.default);
    else if (spec.required) {
      throw new InputError(`module '${module.name}' requires argument '${name}'`, origins.location(''));
    }
  }
  return args;
}

/** Why a host path that must be absolute is not ('' and relative paths), or undefined. */
export function absolutePathError(value: unknown, spec: ArgSpec): string | undefined {
  if (!spec.absolute || typeof value !== 'string' || isTemplated(value)) return undefined;
  if (value === '') return 'must not be empty';
  return value.startsWith('/') ? undefined : `must be an absolute path, got ${JSON.stringify(value)}`;
}

export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && /\{\{|\{%/.test(value);
}

function convertValue(value: unknown, spec: ArgSpec, what: string, location: SourceLocation, writtenAs: string | undefined): unknown {
  if (value === null || value === undefined) return value;
  const converted = convertType(value, spec.type, spec.elements, what, location, writtenAs);
  const notAbsolute = absolutePathError(converted, spec);
  if (notAbsolute) throw new InputError(`${what} ${notAbsolute}`, location);
  if (spec.choices) {
    for (const item of Array.isArray(converted) ? converted : [converted]) {
      if (isTemplated(item)) continue;
      if (!spec.choices.includes(String(item))) {
        throw new InputError(`${what} must be one of ${spec.choices.join(', ')}; got ${JSON.stringify(item)}${didYouMean(String(item), spec.choices)}`, location);
      }
    }
  }
  return converted;
}

/**
 * One value converted to its declared type, or an InputError naming what was expected.
 * At load time (`templatesPending`) a value holding a template is left for the run to render;
 * the run calls this again on the rendered value.
 */
export function convertType(value: unknown, type: ArgType, elements: ArgType | undefined, what: string, location?: SourceLocation, writtenAs?: string, templatesPending = true): unknown {
  if (templatesPending && isTemplated(value)) return value;
  const fail = (expected: string): never => {
    throw new InputError(`${what} must be ${expected}, got ${JSON.stringify(value)}`, location);
  };
  switch (type) {
    case 'raw':
      return value;
    case 'str':
    case 'path':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return fail('a string');
    case 'bool':
      return toBoolean(value) ?? fail('a boolean (true/false, yes/no)');
    case 'int': {
      const number = typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
      return typeof number === 'number' && Number.isInteger(number) ? number : fail('an integer');
    }
    case 'float': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof number === 'number' && Number.isFinite(number) ? number : fail('a number');
    }
    case 'list': {
      // Ansible's list type splits a plain string on commas.
      const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : typeof value === 'number' ? [value] : fail('a list');
      return elements ? list.map((item) => convertType(item, elements, undefined, `element of ${what}`, location, undefined, templatesPending)) : list;
    }
    case 'dict':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : fail('a mapping');
    case 'mode':
      return normaliseMode(value, writtenAs) ?? fail("a file mode such as '0644' or 'u=rw,g=r'");
  }
}

/** Ansible's boolean spellings; undefined when the value is not one. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1', 'y'].includes(word)) return true;
    if (['false', 'no', 'off', '0', 'n'].includes(word)) return false;
  }
  return undefined;
}

/**
 * File modes, canonically four octal digits ('0644', '2755'); symbolic modes ('u+x,g-w')
 * are kept as written.
 *
 * YAML numbers are read as the octal digits the user wrote, whatever js-yaml made of them:
 * js-yaml 4 follows YAML 1.2, so `0644` and `644` load as the decimal number 644 (digits
 * '644' → '0644'), while `0o644` loads as 420 (converted back with toString(8) → '0644').
 * This deliberately differs from Ansible, where an unquoted `644` means decimal 644
 * (= 0o1204), a classic mistake nobody wants. Digits 8 and 9 are an error.
 */
export function normaliseMode(value: unknown, writtenAs?: string): string | undefined {
  let digits: string | undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    const radixPrefixed = writtenAs !== undefined && /^[-+]?0[oxb]/i.test(writtenAs.trim());
    digits = radixPrefixed ? value.toString(8) : String(value);
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (/^[ugoa]*(?:[-+=][rwxXstugo]*)+(?:,[ugoa]*(?:[-+=][rwxXstugo]*)+)*$/.test(text)) return text;
    digits = /^0o[0-7]+$/i.test(text) ? text.slice(2) : text;
  }
  if (digits === undefined || !/^[0-7]{1,5}$/.test(digits)) return undefined;
  const significant = digits.replace(/^0+/, '');
  if (significant.length > 4) return undefined;
  return significant.padStart(4, '0');
}
