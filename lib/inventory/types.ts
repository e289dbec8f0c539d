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
  file: string; // the first source
  hosts: Map<string, InventoryHost>; // in the order of group 'all', as Ansible lists it
  /** group name -> host names, descendants included, in Ansible's order; always has 'all' and 'ungrouped'. */
  groups: Map<string, string[]>;
  /** Each group's direct children, direct hosts, own inventory vars and priority (for `runbook inventory`). */
  groupTree?: Map<string, { children: string[]; hosts: string[]; vars: Record<string, unknown>; priority: number }>;
  /** Folders whose group_vars/ and host_vars/ are layered in: each source's folder (or the source directory). */
  sourceDirs?: string[];
  /** Set when the playbook folder's group_vars/ and host_vars/ are layered in too (withPlaybookDir). */
  playbookDir?: string;
}
