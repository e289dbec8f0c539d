import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// dist/lib/engine/exit-code.js
function exitCodeFor(hosts) {
  const values = Object.values(hosts);
  return values.some((r) => r.unreachable) ? 3 : values.some((r) => r.failed > 0) ? 2 : 0;
}

export {
  exitCodeFor
};
