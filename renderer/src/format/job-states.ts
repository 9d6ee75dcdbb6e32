/**
 * The job states in which a job has ended. main/core/model.ts has the same list as a value, but
 * the renderer takes only types from core (a value import would bundle zod, whose eval probe the
 * CSP refuses); `satisfies` keeps this copy in step with the core type.
 */
import type { JobState } from '../../../main/core/model.js';

export const FINAL_STATES: readonly JobState[] = ['ABORTED', 'COMPLETED', 'FAILED', 'EXPIRED', 'PARTIAL'] satisfies JobState[];

export function isFinal(state: JobState): boolean {
  return FINAL_STATES.includes(state);
}
