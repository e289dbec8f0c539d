import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { loadInventory, withPlaybookDir } from '../inventory/load.js';
import { graphInventory, hostVariables, inventoryJson, listInventory } from '../inventory/report.js';
import { configureVault, type VaultArgs } from './vault-options.js';

export interface InventoryArgs extends VaultArgs {
  inventory?: string[];
  list: boolean;
  host?: string;
  graph: boolean;
  group?: string;
  vars: boolean;
  playbookDir?: string;
}

/** `runbook inventory -i INVENTORY --list | --host NAME | --graph [GROUP]`, as ansible-inventory. */
export async function inventoryCommand(args: InventoryArgs): Promise<number> {
  const actions = [args.list, args.host !== undefined, args.graph].filter(Boolean).length;
  if (actions !== 1) throw new InputError('name exactly one of --list, --host NAME or --graph');
  const sources = args.inventory ?? [];
  if (sources.length === 0) throw new InputError('name an inventory: runbook inventory -i INVENTORY --list');
  await configureVault(args);
  let inventory = loadInventory(sources);
  if (args.playbookDir) inventory = withPlaybookDir(inventory, resolve(args.playbookDir));
  let output: string;
  if (args.list) output = inventoryJson(listInventory(inventory));
  else if (args.host !== undefined) output = inventoryJson(hostVariables(inventory, args.host));
  else output = graphInventory(inventory, args.group ?? 'all', args.vars);
  process.stdout.write(`${output}\n`);
  return 0;
}
