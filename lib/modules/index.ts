import { command, shell } from './command.js';
import { copy } from './copy.js';
import { file } from './file.js';
import { ModuleRegistry } from './registry.js';
import { template } from './template.js';
import type { ModuleDefinition } from './types.js';

export const builtinModules: ModuleDefinition[] = [command, shell, copy, file, template];

export function defaultRegistry(): ModuleRegistry {
  return new ModuleRegistry(builtinModules);
}
