import type { Inventory } from './types.js';

/**
 * Several inventory sources (`-i a -i b`) as one, as Ansible merges them: hosts and groups of
 * all sources, a host in several sources takes the later source's variables over the earlier's
 * (its groups are the union). Variable precedence inside each source is already applied.
 */
export function mergeInventories(sources: Inventory[]): Inventory {
  if (sources.length === 1) return sources[0];
  const hosts: Inventory['hosts'] = new Map();
  const groups: Inventory['groups'] = new Map();
  for (const source of sources) {
    for (const [name, host] of source.hosts) {
      const earlier = hosts.get(name);
      hosts.set(
        name,
        earlier
          ? { ...host, vars: { ...earlier.vars, ...host.vars }, groups: [...new Set([...earlier.groups, ...host.groups])] }
          : host,
      );
    }
    for (const [name, members] of source.groups) groups.set(name, [...new Set([...(groups.get(name) ?? []), ...members])]);
  }
  // 'ungrouped' holds only hosts that are in no other group in any source.
  const grouped = new Set([...groups].filter(([name]) => name !== 'all' && name !== 'ungrouped').flatMap(([, members]) => members));
  groups.set('ungrouped', (groups.get('ungrouped') ?? []).filter((h) => !grouped.has(h)));
  groups.set('all', [...hosts.keys()]);
  return { file: sources.map((s) => s.file).join(','), hosts, groups };
}
