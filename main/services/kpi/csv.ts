/**
 * RFC 4180 CSV with a UTF-8 byte-order mark (Excel on Vietnamese Windows otherwise reads the
 * diacritics as cp1258 mojibake) and CRLF line ends. Numbers are written with a dot and at most 4
 * decimals; a cell that starts like a formula is prefixed with an apostrophe (CSV injection).
 */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  return '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(v: string | number | null | undefined): string {
  if (v == null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.round(v * 10_000) / 10_000) : '';
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
