import type { InventoryHost } from './types.js';

/** Names Ansible treats as the controller when the inventory does not define them. */
export const IMPLICIT_LOCALHOST = ['localhost', '127.0.0.1', '::1'];

/** Ansible's implicit localhost: a local connection, in no group, with no inventory variables. */
export function implicitLocalhost(name: string): InventoryHost {
  return { name, vars: { ansible_connection: 'local' }, groups: [], connection: { address: name, port: 22, user: 'root', become: false, local: true } };
}
