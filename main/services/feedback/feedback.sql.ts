import { foldVietnamese } from '../../../shared/feedback/search';

/**
 * SQL over the feedback side table (migration 3: `feedback_queue` kept by triggers on cache_rows,
 * `feedback_fts` for search). Columns are plain values, so counts, SLA sums and sort keys come
 * from covering indexes without parsing the row JSON.
 */
export const Q = 'feedback_queue';
export const LEVEL_RANK = `CASE q.level WHEN 'urgent' THEN 0 WHEN 'normal' THEN 1 WHEN 'complex' THEN 2 ELSE 3 END`;

export const CE = `entity = 'case_event'`;
export const CE_CASE = `json_extract(data, '$.caseId')`;
export const CE_AT = `json_extract(data, '$.at')`;

export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
export const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Search words, folded like `foldVietnamese` and split where FTS5's unicode61 tokenizer splits.
 * A case matches when every word starts a word of its title/description/address/id.
 */
export function searchTokens(query: string | undefined): string[] {
  return foldVietnamese(query ?? '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 12);
}

/** The FTS5 MATCH expression for the tokens: every token as a prefix (implicit AND). */
export function ftsQuery(tokens: readonly string[]): string {
  return tokens.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' ');
}
