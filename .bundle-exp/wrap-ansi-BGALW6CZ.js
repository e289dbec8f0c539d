import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  wrapAnsi
} from "./chunk-PKWLCSHI.js";
import "./chunk-EDNR7UCC.js";
import "./chunk-J7TIHFHR.js";
export {
  wrapAnsi as default
};
