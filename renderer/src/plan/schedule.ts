/**
 * The schedule builder's model: a schedule expression (`continuous`, `rate(N unit)`, or cron, as
 * main/core/model.ts ScheduleExpression says) as the parts a form edits, and back.
 */
export type ScheduleParts =
  | { kind: 'continuous' }
  | { kind: 'rate'; every: number; unit: 'minutes' | 'hours' | 'days' }
  | { kind: 'cron'; expression: string };

export function parseScheduleParts(expr: string): ScheduleParts {
  if (expr === 'continuous') return { kind: 'continuous' };
  const m = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expr.trim());
  if (m) {
    const unit = (m[2].endsWith('s') ? m[2] : `${m[2]}s`) as 'minutes' | 'hours' | 'days';
    return { kind: 'rate', every: Number(m[1]), unit };
  }
  return { kind: 'cron', expression: expr };
}

export function scheduleExpression(p: ScheduleParts): string {
  if (p.kind === 'continuous') return 'continuous';
  if (p.kind === 'rate') return `rate(${p.every} ${p.every === 1 ? p.unit.replace(/s$/, '') : p.unit})`;
  return p.expression.trim();
}
