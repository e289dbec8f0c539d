import type { ModuleDefinition } from '../../lib/modules/types.js';

/** A module's arguments with its own defaults filled in, as the loader fills them in (host-free module tests). */
export function withDefaults(module: ModuleDefinition, args: Record<string, unknown>): any {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(module.args)) if (spec.default !== undefined) out[name] = spec.default;
  return { ...out, ...args };
}
