/** Why a point is PARTIAL, in the words the Recovery points screen shows. */
import { describe, expect, it } from 'vitest';
import { partialReason } from '../../../../main/service/points/point-info.js';

describe('partialReason', () => {
  it('is null for a complete point', () => {
    expect(partialReason({ status: 'COMPLETED', errors: [] })).toBeNull();
  });

  it('names what stopped the backup and the first path left out', () => {
    expect(partialReason({ status: 'PARTIAL', errors: [], incomplete: { reason: 'COMPLETION_WINDOW', stoppedAt: '/home/a/b.txt' } })).toBe(
      "the plan's completion window closed before /home/a/b.txt: it and what follows it are not in this point, and the next backup takes them",
    );
    expect(partialReason({ status: 'PARTIAL', errors: [], incomplete: { reason: 'STOPPED', stoppedAt: '/x' } })).toMatch(/^the backup was stopped before \/x:/);
  });

  it('counts unreadable items and names the first, together with a stop', () => {
    const errors = [
      { path: '/home/a/locked.db', message: 'permission denied' },
      { path: '/home/a/gone.txt', message: 'vanished while read' },
    ];
    expect(partialReason({ status: 'PARTIAL', errors })).toBe('2 items could not be read (first: /home/a/locked.db: permission denied)');
    expect(partialReason({ status: 'PARTIAL', errors: errors.slice(0, 1), incomplete: { reason: 'COMPLETION_WINDOW', stoppedAt: '/z' } })).toMatch(/next backup takes them; 1 item could not be read \(first: \/home\/a\/locked\.db: permission denied\)$/);
  });
});
