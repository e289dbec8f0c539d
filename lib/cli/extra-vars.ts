import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { InputError } from '../errors.js';

/** -e key=value (strings, as Ansible), -e @file.yaml|json, -e '{"json": "object"}'. Later ones win. */
export function parseExtraVars(values: string[]): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const value of values) {
    if (value.startsWith('@')) {
      const file = value.slice(1);
      let data: unknown;
      try {
        data = yaml.load(readFileSync(file, 'utf8'), { filename: file });
      } catch (error) {
        throw new InputError(`extra vars file ${file}: ${(error as Error).message}`);
      }
      if (!isRecord(data)) throw new InputError(`extra vars file ${file} must hold a mapping`);
      Object.assign(vars, data);
    } else if (value.trim().startsWith('{')) {
      try {
        Object.assign(vars, JSON.parse(value));
      } catch (error) {
        throw new InputError(`extra vars ${value}: ${(error as Error).message}`);
      }
    } else {
      for (const pair of value.split(/\s+(?=[A-Za-z_][\w]*=)/)) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new InputError(`extra vars '${pair}' must be key=value, @file or a JSON object`);
        vars[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
  }
  return vars;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
