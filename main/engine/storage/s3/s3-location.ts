/**
 * S3 vault locations: one string, `s3://bucket/prefix?region=eu-west-1&endpoint=https://…&path-style=true&storage-class=STANDARD_IA&cold-storage-class=GLACIER_IR&profile=work`,
 * so a location can be stored, typed and shared whole. Anything not given resolves the standard
 * AWS way (environment, shared config and credentials files, SSO, container and instance roles,
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3).
 */
import { DeskVaultError } from '../../../core/errors.js';
import type { StoreProperties } from '../object-store.js';

/** Classes whose objects read back at once; archive classes need a thaw first and are refused. */
export const INSTANT_CLASSES = ['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'INTELLIGENT_TIERING'] as const;
export type InstantClass = (typeof INSTANT_CLASSES)[number];

/** Classes data packs may move to when lifecycle makes them cold: instant-retrieval, not STANDARD. */
export const COLD_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'INTELLIGENT_TIERING'] as const;
export type ColdClass = (typeof COLD_CLASSES)[number];

/**
 * GLACIER_IR unless the location says otherwise: the cheapest class that still reads back in
 * milliseconds (no thaw, so restores and `check --read-data` work unchanged), and its 90-day
 * minimum storage charge matches the lifecycle rule that a point lives at least 90 days after it
 * goes cold (deleteAfterDays ≥ moveToColdStorageAfterDays + 90, as AWS Backup requires).
 */
export const DEFAULT_COLD_CLASS: ColdClass = 'GLACIER_IR';

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing slash ('' for the bucket root). */
  prefix: string;
  region?: string;
  endpoint?: string;
  pathStyle?: boolean;
  /** Storage class for data packs; everything else always stays STANDARD. */
  storageClass?: InstantClass;
  /** The class data packs move to when lifecycle makes them cold (default DEFAULT_COLD_CLASS). */
  coldStorageClass?: ColdClass;
  profile?: string;
}

const KNOWN_PARAMS = new Set(['region', 'endpoint', 'path-style', 'storage-class', 'cold-storage-class', 'profile']);

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
  if (storageClass) assertStorageClass(storageClass, INSTANT_CLASSES, { location });
  const coldStorageClass = url.searchParams.get('cold-storage-class')?.toUpperCase();
  if (coldStorageClass) assertStorageClass(coldStorageClass, COLD_CLASSES, { location });
  const pathStyle = url.searchParams.get('path-style');
  return {
    bucket,
    prefix: decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, ''),
    region: url.searchParams.get('region') ?? undefined,
    endpoint: url.searchParams.get('endpoint') ?? undefined,
    pathStyle: pathStyle === null ? undefined : pathStyle === 'true' || pathStyle === '1',
    storageClass: storageClass as InstantClass | undefined,
    ...(coldStorageClass ? { coldStorageClass: coldStorageClass as ColdClass } : {}),
    profile: url.searchParams.get('profile') ?? undefined,
  };
}

/**
 * Refuses a storage class DeskVault cannot use here: archive classes (GLACIER, DEEP_ARCHIVE) need a
 * thaw before every read, which DeskVault does not do; STANDARD is no cold class; anything else is
 * unknown. `allowed` is INSTANT_CLASSES for new data packs, COLD_CLASSES for cold storage.
 */
export function assertStorageClass(storageClass: string, allowed: readonly string[], data: Record<string, unknown> = {}): void {
  if (allowed.includes(storageClass)) return;
  const choices = allowed.filter((c) => c !== 'STANDARD').join(', ');
  let why = `unknown storage class ${storageClass}; use one of ${allowed.join(', ')}`;
  if (['GLACIER', 'DEEP_ARCHIVE'].includes(storageClass)) why = `storage class ${storageClass} needs a thaw before every read, which DeskVault does not do yet; use ${choices}`;
  else if (storageClass === 'STANDARD') why = `STANDARD is not a cold storage class; use ${choices}`;
  throw new DeskVaultError('USAGE', why, { ...data, storageClass });
}

/** What an S3 store of this location is: kind, the location people see, and its cold class. */
export function s3StoreProperties(loc: S3Location): StoreProperties {
  return { kind: 's3', location: describeS3Location(loc), coldStorageClass: loc.coldStorageClass ?? DEFAULT_COLD_CLASS };
}

/** The location without query options (what is shown to people and stored as the vault's place). */
export function describeS3Location(loc: S3Location): string {
  return `s3://${loc.bucket}${loc.prefix ? `/${loc.prefix}` : ''}`;
}
