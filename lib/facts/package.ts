import { shellQuote } from '../util/shell.js';
import { FactError, excerpt, missingTool, stderrLines, type FactKind, type FactRequest } from './kind.js';

/** A Debian package as dpkg knows it. */
export interface PackageState {
  name: string;
  installed: boolean;
  /** Installed version, when installed. */
  version?: string;
  /** dpkg's status abbreviation ('ii ', 'rc ', 'un '), '' when dpkg has never heard of it. */
  status: string;
  architecture?: string;
}

const NOT_FOUND = /^dpkg-query: no packages found matching (.+)$/;

/**
 * Package state from `dpkg-query -W` over every package of the play at once. Default: not
 * installed, for names dpkg-query says it has no record of. Hosts without dpkg are refused.
 */
export const packageKind: FactKind<string, PackageState> = {
  name: 'package',
  key: (name) => name,
  sections: (names) => [
    {
      tool: 'dpkg-query',
      script: `dpkg-query -W -f='\${binary:Package}\\t\${Package}\\t\${Architecture}\\t\${db:Status-Abbrev}\\t\${Version}\\n' -- ${names.map(shellQuote).join(' ')}`,
    },
  ],
  parse([output], names) {
    const missing = missingTool(output, 'package facts need a Debian-family host (dpkg)');
    if (missing) throw missing;
    const rows = output.stdout
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const fields = line.split('\t');
        if (fields.length !== 5) throw new FactError('dpkg-query', `output does not parse: '${line.slice(0, 120)}'`);
        const [binary, name, architecture, status, version] = fields;
        return { binary, name, architecture, status, version };
      });
    const unknown = new Set<string>();
    for (const line of stderrLines(output)) {
      const match = NOT_FOUND.exec(line);
      if (!match) throw new FactError('dpkg-query', excerpt(output));
      unknown.add(match[1]);
    }
    if (output.code > 1 || (output.code === 1 && unknown.size === 0)) throw new FactError('dpkg-query', excerpt(output));
    return names.map((name) => {
      const mine = rows.filter((row) => row.name === name || row.binary === name);
      if (mine.length === 0) {
        if (!unknown.has(name)) throw new FactError('dpkg-query', `no answer for package ${name}`);
        return { name, installed: false, status: '' };
      }
      const installed = mine.find((row) => row.status.startsWith('ii')) ?? mine.find((row) => row.status[1] !== 'n') ?? mine[0];
      return {
        name,
        installed: installed.status.startsWith('ii'),
        status: installed.status,
        version: installed.status[1] === 'n' || installed.version === '' ? undefined : installed.version,
        architecture: installed.architecture || undefined,
      };
    });
  },
};

export function packageFact(name: string): FactRequest<PackageState> {
  return { kind: packageKind, param: name };
}
