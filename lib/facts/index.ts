/**
 * Facts: what a check may know about a host. See kind.ts for the contract a kind fulfils, and
 * README "Facts" for the list. Modules import the request makers from here:
 *
 *   prefetch: (args) => [pathFact(args.path), serviceFact(args.name)],
 *   async check(args, ctx) {
 *     const unit = await ctx.facts.get(serviceFact(args.name));   // typed: UnitState
 *     ...
 *     return { changed, facts: [{ request: serviceFact(args.name), value: after }] };  // prediction
 *   }
 */
export { FactError, requestKey, type FactKind, type FactRequest, type FactValue, type SectionOutput, type SectionScript } from './kind.js';
export { pathKind, pathFact, type PathState, type FileType } from './path.js';
export { fileContentKind, fileContentFact, type FileContent } from './content.js';
export { commandKind, commandFact, type CommandAnswer } from './command.js';
export { serviceKind, serviceFact, parseShow, UNIT_DIRS, type UnitState } from './service.js';
export { packageKind, packageFact, hasFiles, packageCandidateKind, candidateFact, aptCacheTimeKind, aptCacheTimeFact, compareDebianVersions, fnmatch, aptSourcesKind, aptSourcesFact, type AptSources, type PackageState, type PackageCandidate, type AptCacheTime } from './package.js';
export { userKind, groupKind, accountKind, userFact, groupFact, accountFact, type UserState, type GroupState, type AccountState } from './account.js';
export { sysctlKind, sysctlFact, type SysctlState } from './sysctl.js';
export { statKind, statFact, type StatParam, type StatValue } from './stat.js';
export { planProbe, parseProbe, type ProbePlan } from './probe.js';
export { treeKind, treeFact, type TreeState, type TreeEntry } from './tree.js';
