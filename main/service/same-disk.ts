/**
 * A vault on the same disk as the data it protects guards against deleted or changed files, not
 * against losing that disk. This says so where a person sees it: when a vault is added (against the
 * home folder, the usual data) and in the status warnings (against each plan's own folders, unless
 * the rule also copies to a vault on another disk or in S3).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Plan, VaultRecord } from '../core/model.js';
import { localPathOf } from './location.js';

/** The device of a path, or of its nearest existing ancestor (a vault folder may not exist yet). */
function deviceOf(p: string): number | null {
  try {
    let probe = p;
    while (!fs.existsSync(probe)) {
      const parent = path.dirname(probe);
      if (parent === probe) return null;
      probe = parent;
    }
    return fs.statSync(probe).dev;
  } catch {
    return null; // unknown: no warning
  }
}

export function sameDisk(location: string, folder: string): boolean {
  const local = localPathOf(location);
  if (local === null) return false;
  const a = deviceOf(local);
  return a !== null && a === deviceOf(folder);
}

export function sameDiskAsHomeWarning(location: string, home: string): string | null {
  if (!sameDisk(location, home)) return null;
  return `the vault ${localPathOf(location)} is on the same disk as your home folder: it protects against deleted or changed files, not against losing that disk — add a copy to an external disk, a NAS or S3`;
}

/**
 * One warning per plan rule whose vault shares a disk with one of the plan's folders and that has
 * no copy action to a vault elsewhere. Device ids are memoised per (location, folder): status is
 * computed often, and a disk does not move under a running service.
 */
export function sameDiskPlanWarnings(plans: readonly Plan[], vaults: readonly VaultRecord[]): string[] {
  const byName = new Map(vaults.map((v) => [v.name, v]));
  const onSameDisk = (vaultName: string, folder: string): boolean => {
    const v = byName.get(vaultName);
    if (!v) return false;
    const key = `${v.location}\0${folder}`;
    let hit = memo.get(key);
    if (hit === undefined) memo.set(key, (hit = sameDisk(v.location, folder)));
    return hit;
  };
  const out: string[] = [];
  for (const plan of plans) {
    for (const rule of plan.rules) {
      const folder = plan.resources.find((r) => onSameDisk(rule.targetVault, r.path))?.path;
      if (folder === undefined) continue;
      const copiedAway = rule.copyActions.some((c) => byName.has(c.targetVault) && !onSameDisk(c.targetVault, folder));
      if (copiedAway) continue;
      out.push(
        `plan “${plan.name}”: the vault “${rule.targetVault}” is on the same disk as ${folder}, so it protects against deleted or changed files but not against losing that disk — add a copy action to a vault on an external disk, a NAS or S3`,
      );
    }
  }
  return out;
}

const memo = new Map<string, boolean>();
