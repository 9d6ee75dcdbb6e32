// @vitest-environment jsdom
/** A job completed "with issues" does not look simply done in job lists. */
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { JobBadge } from '../../../renderer/src/components/feedback.js';

afterEach(cleanup);

describe('JobBadge', () => {
  it('shows a job completed with issues in the warning tone, and other states as they are', () => {
    render(<JobBadge job={{ state: 'COMPLETED', statusMessage: 'completed with issues: 150 of 160 files changed at once (94 %)' }} />);
    expect(screen.getByText('Completed with issues').className).toBe('badge badge-warn');
    cleanup();
    render(<JobBadge job={{ state: 'COMPLETED', statusMessage: null }} />);
    expect(screen.getByText('Completed').className).toBe('badge badge-good');
    cleanup();
    render(<JobBadge job={{ state: 'FAILED', statusMessage: 'completed with issues: never for a failed job' }} />);
    expect(screen.getByText('Failed').className).toBe('badge badge-bad');
  });
});
