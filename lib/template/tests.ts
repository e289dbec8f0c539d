/** Jinja2 and Ansible tests (`x is defined`, `result is failed`, `name is match('^web')`). */
import { splitKeywords, toList, type Test } from './arguments.js';
import { pythonRegex } from './filters-data.js';
import { isPlainObject, pyEquals, pyStr, truthy } from './python.js';

function resultFlag(result: unknown, flag: string, test: string): boolean {
  if (!isPlainObject(result)) throw new Error(`the '${test}' test expects a task result (a dictionary)`);
  return truthy(result[flag]);
}

function isSequence(value: unknown): boolean {
  return typeof value === 'string' || Array.isArray(value) || isPlainObject(value) || value instanceof Map || value instanceof Set;
}

function regexTest(anchor: 'start' | 'full' | 'none'): Test {
  return (value: unknown, pattern: string, ...args: unknown[]) => {
    const [positional, flags] = splitKeywords(args);
    const regex = pythonRegex(pattern, { ignorecase: positional[0], multiline: positional[1], ...flags }, 'y');
    const text = pyStr(value);
    if (anchor === 'none') return new RegExp(regex.source, regex.flags.replace('y', '')).test(text);
    const match = regex.exec(text);
    return match !== null && (anchor === 'start' || match[0].length === text.length);
  };
}

function compareVersions(a: string, b: string): number {
  const split = (v: string) => v.split(/[.\-+_]/).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const left = split(a);
  const right = split(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i] ?? 0;
    const y = right[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

const VERSION_OPERATORS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
};

export function ansibleTests(): Record<string, Test> {
  const failed = (r: unknown) => resultFlag(r, 'failed', 'failed');
  const succeeded = (r: unknown) => !resultFlag(r, 'failed', 'succeeded');
  const changed = (r: unknown) => resultFlag(r, 'changed', 'changed');
  const skipped = (r: unknown) => resultFlag(r, 'skipped', 'skipped');
  const version = (value: unknown, other: unknown, operator = '==') => {
    const check = VERSION_OPERATORS[String(operator)];
    if (!check) throw new Error(`version: unknown operator '${operator}'`);
    return check(compareVersions(pyStr(value), pyStr(other)));
  };
  const contains = (container: unknown, item: unknown) => toList(container).some((x) => pyEquals(x, item));

  return {
    defined: (value: unknown) => value !== undefined,
    undefined: (value: unknown) => value === undefined,
    none: (value: unknown) => value === null,
    string: (value: unknown) => typeof value === 'string' || value instanceof String,
    number: (value: unknown) => typeof value === 'number',
    integer: (value: unknown) => Number.isInteger(value),
    float: (value: unknown) => typeof value === 'number' && !Number.isInteger(value),
    boolean: (value: unknown) => typeof value === 'boolean',
    mapping: (value: unknown) => isPlainObject(value) || value instanceof Map,
    sequence: isSequence,
    iterable: isSequence,
    truthy: (value: unknown) => truthy(value),
    falsy: (value: unknown) => !truthy(value),
    succeeded,
    success: succeeded,
    successful: succeeded,
    true: (value: unknown) => value === true,
    false: (value: unknown) => value === false,
    failed,
    failure: failed,
    changed,
    change: changed,
    skipped,
    skip: skipped,
    match: regexTest('start'),
    search: regexTest('none'),
    regex: (value: unknown, pattern: string, ...args: unknown[]) => {
      const [, flags] = splitKeywords(args);
      return flags.match_type === 'match' ? regexTest('start')(value, pattern, ...args) : regexTest('none')(value, pattern, ...args);
    },
    in: (value: unknown, container: unknown) =>
      typeof container === 'string' ? container.includes(pyStr(value)) : isPlainObject(container) ? Object.hasOwn(container, pyStr(value)) : contains(container, value),
    contains,
    equalto: (a: unknown, b: unknown) => pyEquals(a, b),
    eq: (a: unknown, b: unknown) => pyEquals(a, b),
    ne: (a: unknown, b: unknown) => !pyEquals(a, b),
    sameas: (a: unknown, b: unknown) => a === b,
    issubset: (a: unknown, b: unknown) => toList(a).every((x) => contains(b, x)),
    subset: (a: unknown, b: unknown) => toList(a).every((x) => contains(b, x)),
    issuperset: (a: unknown, b: unknown) => toList(b).every((x) => contains(a, x)),
    superset: (a: unknown, b: unknown) => toList(b).every((x) => contains(a, x)),
    version,
    version_compare: version,
    divisibleby: (value: number, n: number) => value % n === 0,
    even: (value: number) => value % 2 === 0,
    odd: (value: number) => Math.abs(value % 2) === 1,
    lower: (value: unknown) => typeof value === 'string' && value === value.toLowerCase(),
    upper: (value: unknown) => typeof value === 'string' && value === value.toUpperCase(),
    abs: (value: unknown) => typeof value === 'string' && value.startsWith('/'),
    exists: () => {
      throw new Error("the 'exists' test checks the controller's filesystem and is not supported");
    },
  };
}
