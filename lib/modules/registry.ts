import type { ModuleDefinition } from './types.js';

/** Looks modules up by name or alias (`copy`, `ansible.builtin.copy`). */
export class ModuleRegistry {
  private readonly byName = new Map<string, ModuleDefinition>();

  constructor(modules: ModuleDefinition[]) {
    for (const module of modules) {
      for (const name of [module.name, `ansible.builtin.${module.name}`, ...(module.aliases ?? [])]) {
        this.byName.set(name, module);
      }
    }
  }

  get(name: string): ModuleDefinition | undefined {
    return this.byName.get(name);
  }

  /** Each module once, in registration order (for `runbook doc`). */
  modules(): ModuleDefinition[] {
    return [...new Set(this.byName.values())];
  }

  /** Every name a task may use, for "did you mean" hints. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
