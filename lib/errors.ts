/** Where a piece of user input came from, for errors that point at it. */
export interface SourceLocation {
  file: string;
  line: number; // 1-based
  column: number; // 1-based
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '';
}

/**
 * Bad input from the user (YAML, unknown module, undefined variable, ...).
 * Always raised before any host is touched; the CLI prints it and exits 1.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
    options?: ErrorOptions,
  ) {
    super(location ? `${formatLocation(location)}: ${message}` : message, options);
    this.name = 'InputError';
  }
}

/** Suggest the closest known name, for "did you mean" hints. */
export function didYouMean(word: string, known: Iterable<string>): string {
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
