/** The IAM policy in the README is the one the permissions table produces (no drift). */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { iamPolicy, PERMISSIONS } from '../../../main/engine/storage/s3/permissions.js';

describe('README IAM policy', () => {
  it('equals iamPolicy() for the example location and covers every permission in the table', () => {
    const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const block = /<!-- iam-policy:start -->\s*```json\n([\s\S]*?)```\s*<!-- iam-policy:end -->/.exec(readme);
    expect(block, 'README has the marked policy block').not.toBeNull();
    const expected = iamPolicy('my-backups', 'laptop', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(JSON.parse(block![1])).toEqual(expected);
    const actions = (expected as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action);
    expect(actions.sort()).toEqual(PERMISSIONS.map((p) => p.permission).sort());
  });
});
