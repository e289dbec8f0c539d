import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// dist/lib/errors.js
function formatLocation(loc) {
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : "";
}
var InputError = class extends Error {
  location;
  constructor(message, location, options) {
    super(location ? `${formatLocation(location)}: ${message}` : message, options);
    this.location = location;
    this.name = "InputError";
  }
};
function didYouMean(word, known) {
  let best = "";
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean '${best}'?)` : "";
}
function editDistance(a, b) {
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

export {
  formatLocation,
  InputError,
  didYouMean
};
