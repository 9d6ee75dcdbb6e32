/**
 * S3 vault locations: one string, `s3://bucket/prefix?region=eu-west-1&endpoint=https://…&path-style=true&storage-class=STANDARD_IA&profile=work`,
 * so a location can be stored, typed and shared whole. Anything not given resolves the standard
 * AWS way (environment, shared config and credentials files, SSO, container and instance roles,
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3).
 */
import { DeskVaultError } from '../../../core/errors.js';

/** Classes whose objects read back at once; archive classes need a thaw first and are refused. */
export const INSTANT_CLASSES = ['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'INTELLIGENT_TIERING'] as const;
export type InstantClass = (typeof INSTANT_CLASSES)[number];

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slash ('' for the bucket root). */
  prefix: string;
  region?: string;
  endpoint?: string;
  pathStyle?: boolean;
  /** Storage class for data packs; everything else always stays STANDARD. */
  storageClass?: InstantClass;
  profile?: string;
}

const KNOWN_PARAMS = new Set(['region', 'endpoint', 'path-style', 'storage-class', 'profile']);

export function isS3Location(location: string): boolean {
  return location.startsWith('s3://');
}

export function parseS3Location(location: string): S3Location {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new DeskVaultError('USAGE', `"${location}" is not a valid s3:// location (expected s3://bucket/prefix?region=…)`, { location });
  }
  const bucket = url.hostname;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new DeskVaultError('USAGE', `"${bucket}" is not a valid S3 bucket name (3–63 lower-case letters, digits, dots and hyphens)`, { location });
  }
  for (const k of url.searchParams.keys()) {
    if (!KNOWN_PARAMS.has(k)) throw new DeskVaultError('USAGE', `unknown option "${k}" in ${location}; known: ${[...KNOWN_PARAMS].join(', ')}`, { location });
  }
  const storageClass = url.searchParams.get('storage-class')?.toUpperCase();
  if (storageClass && !(INSTANT_CLASSES as readonly string[]).includes(storageClass)) {
    const archive = ['GLACIER', 'DEEP_ARCHIVE'].includes(storageClass);
    throw new DeskVaultError(
      'USAGE',
      archive
        ? `storage class ${storageClass} needs a thaw before every read, which DeskVault does not do yet; use STANDARD_IA, ONEZONE_IA, GLACIER_IR or INTELLIGENT_TIERING`
        : `unknown storage class ${storageClass}; use one of ${INSTANT_CLASSES.join(', ')}`,
      { location },
    );
  }
  const pathStyle = url.searchParams.get('path-style');
  return {
    bucket,
    prefix: decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, ''),
    region: url.searchParams.get('region') ?? undefined,
    endpoint: url.searchParams.get('endpoint') ?? undefined,
    pathStyle: pathStyle === null ? undefined : pathStyle === 'true' || pathStyle === '1',
    storageClass: storageClass as InstantClass | undefined,
    profile: url.searchParams.get('profile') ?? undefined,
  };
}

/** The location without query options (what is shown to people and stored as the vault's place). */
export function describeS3Location(loc: S3Location): string {
  return `s3://${loc.bucket}${loc.prefix ? `/${loc.prefix}` : ''}`;
}
