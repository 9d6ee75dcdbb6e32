/** A stored plan back to the input `plans.update` takes (without its timestamps). */
import type { ApiInput } from '../../../main/core/api.js';
import type { Plan } from '../../../main/core/model.js';

export function toPlanInput(plan: Plan): ApiInput<'plans.update'> {
  const { createdAt: _c, updatedAt: _u, ...input } = plan;
  return input;
}
