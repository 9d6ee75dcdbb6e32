/**
 * The one table of AWS permissions DeskVault needs, by feature. It drives `deskvault doctor` (each
 * right is probed and reported by its IAM name) and the policies printed by `deskvault doctor
 * --print-policy`, which the README shows — so the documentation cannot drift from the code.
 */
export interface PermissionNeed {
  permission: string;
  feature: string;
  /** Where the permission applies: the bucket, the objects below the prefix, or the KMS key. */
  resource: 'bucket' | 'objects' | 'kms-key';
  /** Needed only when the vault uses this (a KMS slot; Object Lock). */
  when?: 'kms' | 'lock';
}

export const PERMISSIONS: readonly PermissionNeed[] = [
  { permission: 's3:ListBucket', feature: 'list recovery points, packs and index objects', resource: 'bucket' },
  { permission: 's3:GetObject', feature: 'read the vault (restore, browse, check)', resource: 'objects' },
  { permission: 's3:PutObject', feature: 'write backups, keys and leases; move data packs to cold storage', resource: 'objects' },
  { permission: 's3:DeleteObject', feature: 'forget, prune and release leases', resource: 'objects' },
  { permission: 's3:AbortMultipartUpload', feature: 'clean up interrupted large uploads', resource: 'objects' },
  { permission: 's3:ListBucketMultipartUploads', feature: 'find interrupted large uploads', resource: 'bucket' },
  { permission: 's3:GetBucketObjectLockConfiguration', feature: 'check that the bucket has Object Lock (when locking)', resource: 'bucket', when: 'lock' },
  { permission: 's3:PutObjectRetention', feature: 'write locked objects and extend their retention (when locking)', resource: 'objects', when: 'lock' },
  { permission: 's3:GetObjectRetention', feature: 'read how long an object is locked (when locking)', resource: 'objects', when: 'lock' },
  { permission: 'kms:DescribeKey', feature: 'resolve KMS key aliases', resource: 'kms-key', when: 'kms' },
  { permission: 'kms:GenerateDataKey', feature: 'create a vault whose key is in KMS', resource: 'kms-key', when: 'kms' },
  { permission: 'kms:Encrypt', feature: 'add or rotate KMS key slots', resource: 'kms-key', when: 'kms' },
  { permission: 'kms:Decrypt', feature: 'open a vault whose key is in KMS', resource: 'kms-key', when: 'kms' },
];

/**
 * An IAM identity policy for a vault at s3://bucket/prefix (and a KMS key ARN, if any). Without
 * `features`, the rights for every feature (the README's policy); doctor passes what the vault uses.
 */
export function iamPolicy(bucket: string, prefix: string, kmsKeyArn?: string, features: { lock: boolean } = { lock: true }): object {
  const objects = `arn:aws:s3:::${bucket}/${prefix ? `${prefix}/` : ''}*`;
  const of = (r: PermissionNeed['resource']): string[] =>
    PERMISSIONS.filter((p) => p.resource === r && (p.when !== 'lock' || features.lock)).map((p) => p.permission);
  const statements: object[] = [
    { Sid: 'DeskVaultBucket', Effect: 'Allow', Action: of('bucket'), Resource: `arn:aws:s3:::${bucket}` },
    { Sid: 'DeskVaultObjects', Effect: 'Allow', Action: of('objects'), Resource: objects },
  ];
  if (kmsKeyArn) statements.push({ Sid: 'DeskVaultKms', Effect: 'Allow', Action: of('kms-key'), Resource: kmsKeyArn });
  return { Version: '2012-10-17', Statement: statements };
}
