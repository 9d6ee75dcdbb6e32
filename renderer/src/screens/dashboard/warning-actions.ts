/**
 * Where a status warning's remedy is, as links under it. Warnings are the service's sentences
 * (ServiceStatus.warnings, plain text), so this reads their words: a warning with no match gets no
 * link, never a wrong one.
 */
import { hrefFor } from '../../app/router.js';

export interface WarningAction {
  label: string;
  href: string;
}

const RULES: { test: RegExp; actions: WarningAction[] }[] = [
  // A mass change, a last copy about to expire: restore from the points, release or place a hold.
  { test: /legal hold|last backup copy/i, actions: [{ label: 'Recovery points', href: hrefFor('points') }, { label: 'Legal holds (Settings)', href: hrefFor('settings') }] },
  // The same disk: a copy action in the plan; a failing clean-up: the vault's rights.
  { test: /same disk/i, actions: [{ label: 'Plans', href: hrefFor('plans') }] },
  { test: /^Clean-up of vault/, actions: [{ label: 'Jobs', href: hrefFor('jobs') }, { label: 'Vaults (Settings)', href: hrefFor('settings') }] },
];

export function warningActions(warning: string): WarningAction[] {
  return RULES.find((r) => r.test.test(warning))?.actions ?? [];
}
