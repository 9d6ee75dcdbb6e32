/** The lifecycle subsystem's entry: what the rest of the service may use. See README.md. */
export { computeLifecycle, type LifecycleDates, type LifecyclePoint, type LifecycleRule } from './compute-lifecycle.js';
export { gfsKeeps, type GfsPolicy } from './gfs-keeps.js';
export { matchesHold, type LegalHold } from './legal-hold.js';
export { coldOrder, selectColdPacks, type ColdPackDecision } from './select-cold-packs.js';
export { selectExpired, type ExpiryDecision, type KeepReason, type SelectExpiredOptions } from './select-expired.js';
export { findLastCopies, type DoomedPoint, type LastCopies, type LastCopiesInput, type PointFile } from './last-copies.js';
