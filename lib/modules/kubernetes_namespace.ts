import { shellQuote } from '../util/shell.js';
import { commandFact } from '../facts/command.js';
import type { ModuleDefinition } from './types.js';

interface NamespaceArgs {
  name: string;
  kubeconfig: string;
}

function kubectl(args: NamespaceArgs): string {
  return `kubectl --kubeconfig ${shellQuote(args.kubeconfig)}`;
}

/** Read-only: does the namespace exist? stderr tells "NotFound" from "connection refused". */
export function getNamespaceQuery(args: NamespaceArgs) {
  return commandFact(['kubectl', '--kubeconfig', args.kubeconfig, 'get', 'namespace', args.name, '-o', 'name']);
}

/**
 * A namespace exists (kubectl on the host, with the admin kubeconfig). Run it on one master
 * (run_once): the API is shared, the answer is the same everywhere.
 */
export const kubernetesNamespace: ModuleDefinition<NamespaceArgs> = {
  name: 'kubernetes_namespace',
  description: 'A Kubernetes namespace exists (kubectl create namespace), checked with kubectl get.',
  example: `- name: Namespace for the application
  kubernetes_namespace:
    name: apps
    kubeconfig: /etc/kubernetes/admin.conf
`,
  args: {
    name: { type: 'str', required: true },
    kubeconfig: { type: 'path', absolute: true, default: '/etc/kubernetes/admin.conf' },
  },
  validate: (args) => (typeof args.name !== 'string' || args.name.includes('{{') || /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(args.name) && args.name.length <= 63 ? undefined : `'${args.name}' is not a valid namespace name (RFC 1123 label)`),
  prefetch: (args) => [getNamespaceQuery(args)],
  async check(args, ctx) {
    const answer = await ctx.facts.get(getNamespaceQuery(args));
    if (answer.code === 0) return { changed: false, message: `namespace ${args.name} exists`, result: { name: args.name } };
    const output = `${answer.stderr.toString()}${answer.stdout.toString()}`.trim();
    const notFound = /NotFound|not found/.test(output);
    // In a dry-run the API may not be up yet (it is started earlier in this run): say so, do not fail.
    const why = notFound || !output ? '' : ` (API not available now: ${output.split('\n')[0].slice(0, 160)})`;
    return { changed: true, message: `${ctx.dryRun ? 'would create' : 'create'} namespace ${args.name}${why}`, result: { name: args.name } };
  },
  async apply(args, _check, ctx) {
    const result = await ctx.transport.exec(`${kubectl(args)} create namespace ${shellQuote(args.name)}`, ctx.privilege);
    const output = `${result.stderr.toString()}${result.stdout.toString()}`.trim();
    if (result.code === 0) return { changed: true, message: `created namespace ${args.name}` };
    // Another master (or an earlier attempt) won the race: the state is what was asked for.
    if (/AlreadyExists|already exists/.test(output)) return { changed: false, message: `namespace ${args.name} exists` };
    return { changed: false, failed: true, message: `kubectl create namespace ${args.name} failed (exit ${result.code}): ${output.slice(0, 2000)}` };
  },
};
