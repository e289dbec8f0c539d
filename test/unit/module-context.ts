import { requestKey, type FactRequest } from '../../lib/facts/kind.js';
import { pathFact } from '../../lib/facts/path.js';
import type { ModuleContext, PathState } from '../../lib/modules/types.js';

/** What a host-free module test gives the module; it may ask for nothing else. */
export interface GivenFacts {
  /** Path states; a path not given is absent (unless `other` answers its path request). */
  paths?: PathState[];
  /** Answers of other fact kinds, by request key: a question not answered here fails the test. */
  other?: Record<string, unknown>;
  /** File contents by path (ctx.facts.content). */
  contents?: Record<string, string>;
}

/** A module's context with facts in and nothing else (pyinfra's habit: facts in, commands out). */
export function hostFreeContext(given: GivenFacts = {}, overrides: Partial<ModuleContext> = {}): ModuleContext {
  const byPath = new Map((given.paths ?? []).map((p) => [p.path, p]));
  const other = given.other ?? {};
  return {
    host: 'h',
    user: 'root',
    vars: {},
    privilege: { become: false },
    dryRun: true,
    diff: false,
    noLog: false,
    baseDir: '/nonexistent',
    facts: {
      path: async (path: string) => ({ ...((byPath.get(path) ?? other[requestKey(pathFact(path))] ?? { path, exists: false }) as PathState) }),
      content: async (path: string) => (given.contents?.[path] === undefined ? undefined : Buffer.from(given.contents[path])),
      get: async (request: FactRequest) => {
        const key = requestKey(request);
        if (!(key in other)) throw new Error(`asked for ${key}`);
        return other[key];
      },
      want: () => {},
    } as never,
    factsOf: () => {
      throw new Error('no other host');
    },
    render: (t) => t,
    progress: () => {},
    changedPaths: () => [],
    evaluate: () => true,
    expression: () => undefined,
    verbosity: 0,
    ...overrides,
  };
}
