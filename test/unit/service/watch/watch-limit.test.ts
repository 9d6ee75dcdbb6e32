import { describe, expect, it } from 'vitest';
import { describeWatchLimit, isWatchLimitError, watchLimitKind } from '../../../../main/service/watch/watch-limit.js';

describe('watch limit detection', () => {
  it('recognises parcel’s and Node’s forms of the inotify limits, and nothing else', () => {
    expect(watchLimitKind(new Error("inotify_add_watch on '/home/a/x' failed: No space left on device"))).toBe('WATCHES');
    expect(watchLimitKind(Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' }))).toBe('WATCHES');
    expect(watchLimitKind(new Error('Unable to initialize inotify: Too many open files'))).toBe('INSTANCES');
    expect(isWatchLimitError(new Error('Too many open files'))).toBe(false);
    expect(isWatchLimitError(new Error('Permission denied'))).toBe(false);
  });

  it('says what happened, that scanning takes over, and how to raise the limit now and for good', () => {
    const p = describeWatchLimit('WATCHES', ['/home/a'], () => 192_536);
    expect(p).toMatchObject({ code: 'WATCH_LIMIT', current: 192_536, suggested: 524_288 });
    expect(p.message).toMatch(/fs\.inotify\.max_user_watches = 192536/);
    expect(p.message).toMatch(/scanning/);
    expect(p.fix).toEqual([
      'sudo sysctl fs.inotify.max_user_watches=524288',
      "echo 'fs.inotify.max_user_watches=524288' | sudo tee /etc/sysctl.d/90-deskvault-inotify.conf",
    ]);
    expect(describeWatchLimit('WATCHES', ['/h'], () => 600_000).suggested).toBe(1_200_000);
    expect(describeWatchLimit('INSTANCES', ['/h'], () => null).fix[0]).toBe('sudo sysctl fs.inotify.max_user_instances=1024');
  });
});
