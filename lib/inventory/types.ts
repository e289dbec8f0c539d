import type { SourceLocation } from '../errors.js';

/** How to reach a host, from Ansible's connection variables. */
export interface ConnectionSpec {
  address: string; // ansible_host, defaulting to the inventory name
  port: number; // ansible_port, default 22
  user: string; // ansible_user, default 'root'
  privateKeyFile?: string; // ansible_ssh_private_key_file
  become: boolean; // ansible_become
  becomeUser?: string; // ansible_become_user
  local?: boolean; // ansible_connection: local (and the implicit localhost): no SSH, commands run on the controller
}

export interface InventoryHost {
  name: string;
  /** Inventory variables after precedence: all < parent group < child group < host. */
  vars: Record<string, unknown>;
  /** Every group the host belongs to, 'all' included, outermost first. */
  groups: string[];
  connection: ConnectionSpec;
  location?: SourceLocation;
}

export interface Inventory {
  file: string;
  hosts: Map<string, InventoryHost>; // in file order
  /** group name -> host names, descendants included, in file order; always has 'all' and 'ungrouped'. */
  groups: Map<string, string[]>;
}
