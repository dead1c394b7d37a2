/**
 * Diacritic-insensitive search for Vietnamese text, so an operator typing "duong hu hong" on a
 * keyboard without Telex finds "Đường hư hỏng".
 */

/** NFD, strip combining marks (tones, breve, circumflex, horn), đ/Đ → d, lower-case, collapse spaces. */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐðÐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when every word of the query occurs in the haystack, ignoring diacritics and case. */
export function matches(haystack: string, query: string): boolean {
  const q = foldVietnamese(query);
  if (q === '') return true;
  const h = foldVietnamese(haystack);
  return q.split(' ').every((word) => h.includes(word));
}
