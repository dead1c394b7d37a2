/**
 * Canonical JSON: object keys sorted, no whitespace, so the server and the desktop cache can hash the
 * same rows to the same bytes (per-table digests prove the cache matches the server).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/** The digest input for one table: `id\tcanonical-json\n` lines in id order (hash it with sha256). */
export function digestLines(rows: Array<{ id: string; data: unknown }>): string {
  return [...rows]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => `${r.id}\t${canonicalJson(r.data)}\n`)
    .join('');
}
