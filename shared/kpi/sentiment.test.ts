import { describe, expect, it } from 'vitest';
import { matchKeywords, sentiment } from './sentiment';

describe('Vietnamese sentiment (lexicon + negation)', () => {
  it.each([
    ['Bắc Trà My khánh thành cầu treo, người dân phấn khởi', 'positive'],
    ['Mưa lớn gây sạt lở nghiêm trọng, chia cắt xã Trà Giáp', 'negative'],
    ['Lũ quét làm 2 người mất tích ở Trà Leng', 'negative'],
    ['Cán bộ một cửa tận tình, hồ sơ giải quyết nhanh chóng', 'positive'],
    ['Dịch vụ công trực tuyến không hiệu quả', 'negative'],
    ['Người dân chưa hài lòng với tiến độ sửa đường', 'negative'],
    ['Giải quyết hồ sơ chưa thật sự hiệu quả', 'negative'],
    ['Mưa lớn nhưng không có thiệt hại về người', 'neutral'],
    ['UBND huyện họp giao ban tuần', 'neutral'],
    ['Dich vu rat tot, can bo tan tinh', 'positive'], // without diacritics
    ['KHAI THÁC TRÁI PHÉP vàng ở Trà Bui', 'negative'],
    ['Đường xuống cấp. Không ai sửa', 'negative'], // the negator in the next clause does not flip it
    ['Rất hài lòng', 'positive'],
  ] as const)('%s → %s', (text, label) => {
    expect(sentiment(text).label).toBe(label);
  });

  it('an intensifier weighs more, a negated positive flips fully', () => {
    expect(sentiment('rất tốt').score).toBeGreaterThan(sentiment('tốt').score);
    expect(sentiment('không tốt').score).toBe(-sentiment('tốt').score);
    expect(sentiment('không tốt').hits[0]).toMatchObject({ phrase: 'tốt', negated: true });
  });

  it('prefers the longest phrase ("cháy rừng" over "cháy")', () => {
    expect(sentiment('cháy rừng ở Trà Nú').hits.map((h) => h.phrase)).toEqual(['cháy rừng']);
  });
});

describe('keyword packs', () => {
  it.each([
    ['Sạt lở ở xã Trà Giáp', ['Trà Giáp'], ['Trà Giáp']],
    ['sat lo o xa tra giap', ['Trà Giáp', 'Trà Ka'], ['Trà Giáp']],
    ['Trà Giáplong', ['Trà Giáp'], []], // whole words only
    ['TRÀ MY hôm nay', ['trà my', 'Bắc Trà My'], ['trà my']],
    ['Đường lên Trà Đốc', ['Tra Doc'], ['Tra Doc']],
  ] as const)('%s with %j → %j', (text, kws, want) => {
    expect(matchKeywords(text, kws)).toEqual(want);
  });
});
