/**
 * A string written `!unsafe` in YAML: Ansible never templates it, wherever it
 * travels (a variable's value, a task argument, an item of a list). A String
 * object rather than a primitive so the mark survives until the templating
 * layer turns it into a plain string without rendering it.
 */
export class UnsafeText extends String {}

export function isUnsafe(value: unknown): value is UnsafeText {
  return value instanceof UnsafeText;
}
