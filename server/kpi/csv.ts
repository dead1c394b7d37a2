/**
 * CSV for dataset imports: bytes → text (UTF-8 with or without BOM, UTF-16 with BOM as Excel's
 * "Unicode text" writes it; anything else is refused with the byte offset, never guessed), then
 * RFC 4180 records (quoted fields with commas, quotes "" and newlines; delimiter , ; or tab sniffed
 * from the header). Errors name the line.
 */

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Find the first bad byte to point at it.
    let offset = 0;
    for (let lo = 0, hi = body.length; lo < hi; ) {
      const mid = (lo + hi) >> 1;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, mid + 1), { stream: true });
        lo = mid + 1;
        offset = lo;
      } catch {
        hi = mid;
        offset = mid;
      }
    }
    const line = body.subarray(0, offset).reduce((n, b) => n + (b === 0x0a ? 1 : 0), 1);
    throw new CsvError(`The file is not UTF-8 (invalid byte 0x${body[offset]?.toString(16).padStart(2, '0')} at byte ${offset}, line ${line}). Save it as "CSV UTF-8".`, line);
  }
}

export interface CsvTable {
  header: string[];
  /** Each record with the line it starts on (1 = header). */
  records: Array<{ line: number; fields: string[] }>;
}

export function parseCsv(text: string): CsvTable {
  // eslint-disable-next-line no-control-regex -- finding NUL is the point
  const nul = text.search(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw new CsvError(`The file contains a NUL or invalid character on line ${line} (is it a binary or UTF-16 file without BOM?)`, line);
  }
  const src = text.replace(/^\uFEFF/, '');
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const delim = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let cur = '';
  let line = 1;
  let startLine = 1;
  let i = 0;
  let atFieldStart = true;
  const endField = () => {
    fields.push(cur);
    cur = '';
    atFieldStart = true;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0].trim() === '')) rows.push({ line: startLine, fields });
    fields = [];
  };
  while (i < src.length) {
    const ch = src[i];
    if (atFieldStart && ch === '"') {
      // Quoted field: until a lone quote followed by a delimiter, newline or end.
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= src.length) throw new CsvError(`Unterminated quoted field starting on line ${quoteLine}`, quoteLine);
        const c = src[i];
        if (c === '"') {
          if (src[i + 1] === '"') {
            cur += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        cur += c;
        i++;
      }
      const next = src[i];
      if (next !== undefined && next !== delim && next !== '\n' && next !== '\r') throw new CsvError(`Unexpected text after a closing quote on line ${line}`, line);
      atFieldStart = false;
      continue;
    }
    if (ch === delim) {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      startLine = line;
      continue;
    }
    if (ch === '"') throw new CsvError(`Stray quote inside an unquoted field on line ${line} (quote the field and double the quote: "")`, line);
    cur += ch;
    atFieldStart = false;
    i++;
  }
  if (cur !== '' || fields.length) endRecord();
  if (rows.length === 0) throw new CsvError('The file is empty (no header line)', 1);
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  const dup = header.find((h, k) => header.indexOf(h) !== k);
  if (dup) throw new CsvError(`Column "${dup}" appears twice in the header`, 1);
  const records = rows.slice(1);
  for (const r of records)
    if (r.fields.length !== header.length) throw new CsvError(`Line ${r.line} has ${r.fields.length} fields, the header has ${header.length}`, r.line);
  return { header, records };
}
