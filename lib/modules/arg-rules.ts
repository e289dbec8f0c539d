import type { ModuleDefinition } from './types.js';

const given = (args: Record<string, unknown>, name: string) => args[name] !== undefined && args[name] !== null;
const templated = (value: unknown) => typeof value === 'string' && /\{\{|\{%/.test(value);

/**
 * Ansible's rules between arguments (mutually_exclusive, required_one_of, required_together,
 * required_if), as the message Ansible gives, or undefined when they hold. At load time a value
 * may still be a template: required_if then waits for the run to know it.
 */
export function argRuleError(module: ModuleDefinition, args: Record<string, unknown>): string | undefined {
  for (const group of module.mutuallyExclusive ?? []) {
    const present = group.filter((name) => given(args, name));
    if (present.length > 1) return `parameters are mutually exclusive: ${group.join('|')}`;
  }
  for (const group of module.requiredOneOf ?? []) {
    if (!group.some((name) => given(args, name))) return `one of the following is required: ${group.join(', ')}`;
  }
  for (const group of module.requiredTogether ?? []) {
    const present = group.filter((name) => given(args, name));
    if (present.length > 0 && present.length < group.length) return `parameters are required together: ${group.join(', ')}`;
  }
  for (const [name, value, required, anyOne] of module.requiredIf ?? []) {
    if (templated(args[name]) || args[name] !== value) continue;
    const missing = required.filter((r) => !given(args, r));
    if (anyOne ? missing.length === required.length : missing.length > 0) {
      return `${name} is ${String(value)} but ${anyOne ? 'any' : 'all'} of the following are missing: ${missing.join(', ')}`;
    }
  }
  return undefined;
}
