import { describe, expect, it } from 'vitest';
import { foldVietnamese, matches } from './search';

describe('foldVietnamese', () => {
  it.each([
    ['Đường hư hỏng', 'duong hu hong'],
    ['ĐƯỜNG   HƯ\tHỎNG ', 'duong hu hong'],
    ['Sạt lở đất ở Trà Đốc', 'sat lo dat o tra doc'],
    ['Phản ánh kiến nghị', 'phan anh kien nghi'],
    ['Bắc Trà My', 'bac tra my'],
    ['Ấp Ầ Ẩ Ẫ Ậ ằ ẳ ẵ ặ', 'ap a a a a a a a a'],
    ['ơ ớ ờ ở ỡ ợ ư ứ ừ ử ữ ự', 'o o o o o o u u u u u u'],
    ['ê ế ề ể ễ ệ ô ố ồ ổ ỗ ộ', 'e e e e e e o o o o o o'],
    ['ý ỳ ỷ ỹ ỵ í ì ỉ ĩ ị', 'y y y y y i i i i i'],
    ['\u0110\u0111', 'dd'],
    ['Tiếng Việt'.normalize('NFD'), 'tieng viet'],
    ['  ', ''],
  ])('%j → %j', (input, folded) => {
    expect(foldVietnamese(input)).toBe(folded);
  });

  it('NFC and NFD spellings fold the same', () => {
    const s = 'Điện chiếu sáng công cộng';
    expect(foldVietnamese(s.normalize('NFC'))).toBe(foldVietnamese(s.normalize('NFD')));
  });
});

describe('matches', () => {
  it.each([
    ['Đường hư hỏng tại thôn 1', 'duong hu hong', true],
    ['Đường hư hỏng', 'DUONG HU', true],
    ['Đường hư hỏng', 'hỏng đường', true],
    ['Đường hư hỏng', 'hong', true],
    ['Đường hư hỏng', 'đương', true],
    ['Đèn đường bị hỏng', 'duong sat', false],
    ['Rác thải ven sông Trường', 'rac song truong', true],
    ['Rác thải', 'nuoc', false],
    ['Bất kỳ', '', true],
    ['Bất kỳ', '   ', true],
  ])('%j with %j → %s', (haystack, query, expected) => {
    expect(matches(haystack, query)).toBe(expected);
  });
});
