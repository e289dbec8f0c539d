import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import {
  wrapAnsi
} from "./chunk-H2XZW5VE.js";
import "./chunk-HTNLJJX5.js";
import "./chunk-J7TIHFHR.js";
export {
  wrapAnsi as default
};
