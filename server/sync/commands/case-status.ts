/**
 * Case workflow states (FixMyStreet's vocabulary, DOMAIN.md). Open311 only knows open/closed:
 * FINAL_STATUSES map to `closed`, everything else to `open`.
 */
export const CASE_STATUSES = [
  'received',
  'assigned',
  'investigating',
  'in_progress',
  'action_scheduled',
  'fixed',
  'closed',
  'not_responsible',
  'duplicate',
  'unable_to_fix',
  'internal_referral',
  'rejected',
  'reopened',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<string> = new Set(['fixed', 'closed', 'not_responsible', 'duplicate', 'unable_to_fix', 'rejected']);

export const isCaseStatus = (s: string): s is CaseStatus => (CASE_STATUSES as readonly string[]).includes(s);
