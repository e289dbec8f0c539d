import type { SourceLocation } from '../errors.js';

/** What an inventory format reader builds the inventory through (several sources feed one). */
export interface InventorySink {
  hasGroup(name: string): boolean;
  addGroup(name: string, location?: SourceLocation): void;
  addChild(parent: string, child: string, location?: SourceLocation): void;
  /** Adds the host to the group (creating either as needed), merging its variables. */
  addHost(group: string, name: string, vars: Record<string, unknown>, location?: SourceLocation, port?: number, varLocations?: Map<string, SourceLocation>): void;
  setGroupVar(group: string, key: string, value: unknown, location?: SourceLocation): void;
}
