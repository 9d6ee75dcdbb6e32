/**
 * Deterministic crash injection for crash-consistency tests. When DESKVAULT_CRASH_AT=N is set, the
 * N-th call of crashPoint() in this process kills it with SIGKILL, as a power cut or `kill -9`
 * would. Tests choose N from a seeded sequence, so a failing instant can be replayed exactly.
 * With the variable unset this is one comparison.
 */
const target = Number(process.env.DESKVAULT_CRASH_AT ?? 0);
let count = 0;

export function crashPoint(): void {
  if (target > 0 && ++count === target) {
    process.kill(process.pid, 'SIGKILL');
  }
}
