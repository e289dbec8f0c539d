/**
 * File modes as Ansible's modules take them: octal ('0644') or symbolic ('u=rw,g=r,o=',
 * 'u+x', 'go-w', 'a+X', 'u=rwX,g=rX,o='). A symbolic mode is resolved against the path's own
 * mode, as module_utils/basic.py `_symbolic_mode_to_octal` does (ansible-core 2.14): every
 * clause applies in turn, `X` means x when the path is a directory or had any x bit before the
 * mode (not after earlier clauses), and `u`/`g`/`o` as permissions copy the path's own bits.
 */

const CLAUSE = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/;

/** Octal as four digits, or undefined when the text is not octal. */
export function octalMode(text: string): string | undefined {
  return /^[0-7]{1,4}$/.test(text) ? text.padStart(4, '0') : undefined;
}

/**
 * Why a symbolic mode is not one runbook resolves (undefined when it is). A clause without
 * who (`+x`) depends on the host process's umask, which runbook does not read: refused.
 */
export function symbolicModeError(text: string): string | undefined {
  for (const clause of text.split(',')) {
    const match = CLAUSE.exec(clause);
    if (!match) return `invalid mode '${text}': use octal such as '0644' or symbolic such as 'u=rw,g=r,o=r' or 'u+x,go-w'`;
    if (match[1] === '') return `invalid mode '${text}': a symbolic clause without u, g, o or a ('${clause}') depends on the host's umask; write the users ('a${clause}')`;
  }
  return undefined;
}

/** Whether the mode's result depends on the path (its current mode, or being a directory); octal never does. */
export function isRelativeMode(text: string): boolean {
  if (octalMode(text)) return false;
  const results = new Set([false, true].flatMap((dir) => ['0000', '7777'].map((current) => resolveMode(text, current, dir))));
  return results.size > 1;
}

const USER_BITS: Record<'u' | 'g' | 'o', number> = { u: 0o4700, g: 0o2070, o: 0o1007 };

/**
 * The mode (four octal digits) a path with `current` mode gets from `mode`: octal as is,
 * symbolic per Ansible. `current` is the path's mode now (for a new path, the mode it is created
 * with: 0644 for a file, 0755 for a directory, as Ansible's modules create them under umask 022).
 */
export function resolveMode(mode: string, current: string, isDirectory: boolean): string {
  const octal = octalMode(mode);
  if (octal) return octal;
  const error = symbolicModeError(mode);
  if (error) throw new Error(error);
  const previous = parseInt(current, 8) & 0o7777;
  const applyX = isDirectory || (previous & 0o111) !== 0;
  let result = previous;
  for (const clause of mode.split(',')) {
    const match = CLAUSE.exec(clause)!;
    const users = (match[1].includes('a') ? 'ugo' : match[1]) as string;
    const operations = match[2].match(/[-+=][rwxXstugo]*/g)!;
    for (const operation of operations) {
      const operator = operation[0];
      const perms = operation.slice(1);
      for (const user of users as Iterable<'u' | 'g' | 'o'>) {
        const bits = permBits(user, perms, previous, applyX);
        if (operator === '=') result = (result & ~USER_BITS[user] & 0o7777) | bits;
        else if (operator === '+') result |= bits;
        else result &= ~bits;
      }
    }
  }
  return result.toString(8).padStart(4, '0');
}

/** The bits `perms` stand for, for one of u, g, o (basic.py _get_octal_mode_from_symbolic_perms). */
function permBits(user: 'u' | 'g' | 'o', perms: string, previous: number, applyX: boolean): number {
  const shift = { u: 6, g: 3, o: 0 }[user];
  let bits = 0;
  for (const perm of perms) {
    if (perm === 'r') bits |= 4 << shift;
    else if (perm === 'w') bits |= 2 << shift;
    else if (perm === 'x') bits |= 1 << shift;
    else if (perm === 'X') bits |= applyX ? 1 << shift : 0;
    else if (perm === 's') bits |= user === 'u' ? 0o4000 : user === 'g' ? 0o2000 : 0;
    else if (perm === 't') bits |= user === 'o' ? 0o1000 : 0;
    else {
      // u, g, o: that class's current bits, moved to this one's place.
      const from = { u: 6, g: 3, o: 0 }[perm as 'u' | 'g' | 'o'];
      bits |= ((previous >> from) & 7) << shift;
    }
  }
  return bits;
}
