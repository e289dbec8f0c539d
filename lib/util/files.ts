import { accessSync, constants } from 'node:fs';

/** Whether this process may execute the file (inventory scripts, vault password scripts). */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
