import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  isFullwidth,
  isWide
} from "./chunk-EDNR7UCC.js";

// node_modules/is-fullwidth-code-point/index.js
function isFullwidthCodePoint(codePoint) {
  if (!Number.isInteger(codePoint)) {
    return false;
  }
  return isFullwidth(codePoint) || isWide(codePoint);
}

export {
  isFullwidthCodePoint
};
