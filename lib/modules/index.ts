import { certificate } from './certificate.js';
import { command, shell } from './command.js';
import { copyFromHost } from './copy_from_host.js';
import { copy } from './copy.js';
import { file } from './file.js';
import { kubernetesNamespace } from './kubernetes_namespace.js';
import { meta } from './meta.js';
import { privateKey } from './private-key.js';
import { ModuleRegistry } from './registry.js';
import { systemd } from './systemd.js';
import { template } from './template.js';
import type { ModuleDefinition } from './types.js';
import { waitFor } from './wait_for.js';

export const builtinModules: ModuleDefinition[] = [command, shell, copy, file, template, systemd, privateKey, certificate, copyFromHost, waitFor, kubernetesNamespace, meta];

export function defaultRegistry(): ModuleRegistry {
  return new ModuleRegistry(builtinModules);
}
