import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { meta } from '../../lib/modules/meta.js';
import { ModuleRegistry } from '../../lib/modules/registry.js';
import type { ArgSpec, ModuleDefinition } from '../../lib/modules/types.js';

/** test/fixtures/input in the source tree (tests run from dist/test/unit). */
export const FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/input');

function fakeModule(name: string, args: Record<string, ArgSpec>, extra: Partial<ModuleDefinition> = {}): ModuleDefinition {
  return {
    name,
    description: `test ${name}`,
    args,
    check: async () => ({ changed: false }),
    apply: async () => ({ changed: false }),
    ...extra,
  };
}

/** Stand-ins for the real modules: only their argument specs matter to the loader. */
export const testRegistry = new ModuleRegistry([
  fakeModule(
    'command',
    { _raw_params: { type: 'str', aliases: ['cmd'] }, chdir: { type: 'path' }, creates: { type: 'path' }, removes: { type: 'path' } },
    { freeForm: true, validate: (a: Record<string, unknown>) => (a._raw_params ? undefined : 'command needs a command line') },
  ),
  fakeModule('shell', { _raw_params: { type: 'str' }, chdir: { type: 'path' }, creates: { type: 'path' } }, { freeForm: true }),
  fakeModule(
    'copy',
    {
      src: { type: 'path' },
      content: { type: 'str', noLog: true },
      dest: { type: 'path', required: true },
      mode: { type: 'mode' },
      owner: { type: 'str' },
      backup: { type: 'bool', default: false },
      remote_src: { type: 'bool', default: false },
    },
    { validate: (a: Record<string, unknown>) => (a.src === undefined && a.content === undefined ? 'one of src or content is required' : undefined) },
  ),
  fakeModule('template', { src: { type: 'path', required: true }, dest: { type: 'path', required: true }, mode: { type: 'mode' } }),
  fakeModule('file', {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    state: { type: 'str', choices: ['file', 'directory', 'absent', 'touch', 'link'], default: 'file' },
    mode: { type: 'mode' },
    recurse: { type: 'bool', default: false },
  }),
  fakeModule('service', {
    name: { type: 'str', required: true },
    state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'] },
    enabled: { type: 'bool' },
  }),
  fakeModule('apt', { name: { type: 'list', elements: 'str', aliases: ['pkg'] }, update_cache: { type: 'bool' }, cache_valid_time: { type: 'int' } }),
  fakeModule('debug', { msg: { type: 'raw' }, var: { type: 'str' } }),
  meta,
]);
