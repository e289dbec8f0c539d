import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, stderrLines, type FactKind, type FactRequest } from './kind.js';

export interface SysctlState {
  key: string;
  exists: boolean;
  /** As `sysctl` prints it (tabs between the numbers of a vector value). */
  value?: string;
}

const ABSENT = /^sysctl: cannot stat \/proc\/sys\/(.+): No such file or directory$/;

/** A kernel parameter's current value (`sysctl key...`). Default: `{ exists: false }` for unknown keys. */
export const sysctlKind: FactKind<string, SysctlState> = {
  name: 'sysctl',
  key: (key) => key.replace(/\//g, '.'),
  sections: (keys) => [{ tool: 'sysctl', script: `sysctl -- ${keys.map(shellQuote).join(' ')}` }],
  parse([output], keys) {
    const missing = missingTool(output, 'procps sysctl is required');
    if (missing) throw missing;
    const values = new Map<string, string>();
    for (const line of output.stdout.toString('utf8').split('\n').filter((l) => l !== '')) {
      const at = line.indexOf(' = ');
      if (at < 0) throw new FactError('sysctl', `output does not parse: '${line.slice(0, 120)}'`);
      values.set(line.slice(0, at), line.slice(at + 3));
    }
    const absent = new Set<string>();
    for (const line of stderrLines(output)) {
      const match = ABSENT.exec(line);
      if (!match) throw new FactError('sysctl', excerpt(output));
      absent.add(match[1].replace(/\//g, '.'));
    }
    if (output.code !== 0 && absent.size === 0) throw new FactError('sysctl', excerpt(output));
    return keys.map((raw) => {
      const key = raw.replace(/\//g, '.');
      if (values.has(key)) return { key, exists: true, value: values.get(key) };
      if (absent.has(key)) return { key, exists: false };
      throw new FactError('sysctl', `no answer for ${key}`);
    });
  },
};

export function sysctlFact(key: string): FactRequest<SysctlState> {
  return { kind: sysctlKind, param: key };
}
