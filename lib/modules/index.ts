import { certificate } from './certificate.js';
import { command, raw, shell } from './command.js';
import { copyFromHost } from './copy_from_host.js';
import { copy } from './copy.js';
import { file } from './file.js';
import { includeRole } from './include_role.js';
import { includeTasks } from './include_tasks.js';
import { kubernetesNamespace } from './kubernetes_namespace.js';
import { meta } from './meta.js';
import { privateKey } from './private-key.js';
import { ModuleRegistry } from './registry.js';
import { setup } from './setup.js';
import { systemd } from './systemd.js';
import { template } from './template.js';
import type { ModuleDefinition } from './types.js';
import { waitFor } from './wait_for.js';
import { assert, fail } from './assert.js';
import { debug } from './debug.js';
import { includeVars } from './include_vars.js';
import { pause } from './pause.js';
import { setFact } from './set_fact.js';
import { lineinfile } from './lineinfile.js';
import { blockinfile } from './blockinfile.js';
import { replace } from './replace.js';
import { stat } from './stat.js';
import { slurp } from './slurp.js';
import { user } from './user.js';
import { group } from './group.js';
import { service } from './service.js';
import { sysctl } from './sysctl.js';
import { hostname } from './hostname.js';
import { cron } from './cron.js';
import { waitForConnection } from './wait_for_connection.js';
import { fetch } from './fetch.js';
import { git } from './git.js';
import { apt } from './apt.js';
import { packageModule } from './package.js';
import { getUrl } from './get_url.js';
import { uri } from './uri.js';
import { aptRepository } from './apt_repository.js';
import { authorizedKey } from './authorized_key.js';
import { dpkgSelections } from './dpkg_selections.js';
import { unarchive } from './unarchive.js';

export const builtinModules: ModuleDefinition[] = [command, shell, raw, copy, file, template, systemd, privateKey, certificate, copyFromHost, waitFor, kubernetesNamespace, meta, setFact, debug, assert, fail, includeVars, pause, setup, lineinfile, blockinfile, replace, stat, slurp, includeTasks, includeRole, user, group, service, sysctl, hostname, cron, waitForConnection, fetch, git, apt, packageModule, getUrl, uri, aptRepository, unarchive, authorizedKey, dpkgSelections];

export function defaultRegistry(): ModuleRegistry {
  return new ModuleRegistry(builtinModules);
}
