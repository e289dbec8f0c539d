import { InputError } from '../errors.js';
import { runPlaybooks } from '../engine/run.js';
import { planRun } from '../engine/plan.js';
import { defaultRegistry } from '../modules/index.js';
import { parsePlaybook } from '../playbook/load.js';
import { AdhocReporter } from '../report/adhoc.js';
import { createReporter } from '../report/index.js';
import { redact } from '../vault/redact.js';
import { parseExtraVars } from './extra-vars.js';
import { configureVault, type VaultArgs } from './vault-options.js';
import { configuredInventory, connectionRunOptions, loadInventories, settleSession, type ConnectionArgs } from './session.js';
import { connectionDetails } from './verbose.js';

export interface AdhocArgs extends ConnectionArgs, VaultArgs {
  pattern: string;
  moduleName: string;
  args?: string;
}

/**
 * `runbook run PATTERN -i INVENTORY -m MODULE -a ARGS`, as `ansible`: one task on the selected
 * hosts, through the same loader, preflight and engine as a playbook (so the same argument
 * checks, dry-run and diff), its result printed per host.
 */
export async function adhocCommand(args: AdhocArgs): Promise<number> {
  const session = await settleSession(args);
  const registry = defaultRegistry();
  await configureVault(args, session.config);
  const module = registry.get(args.moduleName);
  if (!module) throw new InputError(`-m ${args.moduleName}: no such module (runbook doc lists them)`);
  const moduleArgs = args.args ?? '';
  if (moduleArgs.trim() === '' && module.freeForm) throw new InputError(`-m ${args.moduleName} needs -a 'COMMAND LINE'`);
  const origin = `<ad-hoc -m ${args.moduleName}>`;
  const plays = parsePlaybook(
    [{ name: `ad-hoc: ${args.moduleName}`, hosts: args.pattern, gather_facts: false, tasks: [{ name: args.moduleName, [args.moduleName]: moduleArgs === '' ? {} : moduleArgs }] }],
    origin,
    registry,
  );
  const inventoryFiles = args.inventory?.length ? args.inventory : configuredInventory(session.config);
  const inventory = loadInventories(inventoryFiles, args, session.config);
  const extraVars = parseExtraVars(args.extraVars);
  const plan = planRun({ inventory, plays, registry, extraVars, tags: [], skipTags: [], limit: args.limit });
  const reporter =
    session.output === 'json'
      ? await createReporter('json', { out: process.stdout, diff: args.diff })
      : new AdhocReporter({ out: process.stdout, diff: args.diff, color: session.color }, session.output === 'tty');
  if (session.verbosity >= 3) for (const line of connectionDetails(inventory, plan[0].hosts, session)) process.stderr.write(`${line}\n`);
  const summary = await runPlaybooks(
    {
      inventory,
      plan,
      playbookFiles: [],
      dryRun: args.dryRun,
      diff: args.diff,
      extraVars,
      ...connectionRunOptions(session),
      // Values from a vault never show, whatever a task or module put in its result.
      onEvent: (event) => reporter.onEvent(redact(event)),
    },
    registry,
  );
  await reporter.finish();
  return summary.exitCode;
}
