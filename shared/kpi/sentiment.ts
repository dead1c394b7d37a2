/**
 * A small lexicon-based Vietnamese sentiment for news and social items about the district, with
 * negation ("không hiệu quả" is negative, "không có thiệt hại" is mildly positive) and intensifiers
 * ("rất", "vô cùng"). Matching is diacritic-insensitive (feeds often drop tones) on whole words,
 * longest phrase first, within one clause. Deliberately small and explainable: `explain` lists the
 * hits that decided the label.
 */
import { foldVietnamese } from '../feedback/search';

export type Sentiment = 'positive' | 'neutral' | 'negative';

const POSITIVE: Record<string, number> = {
  'tốt': 1, 'hiệu quả': 1, 'khen': 1, 'khen ngợi': 1.5, 'hài lòng': 1.5, 'thành công': 1.5, 'phát triển': 1, 'nâng cao': 0.5,
  'cải thiện': 1, 'kịp thời': 1, 'an toàn': 1, 'thuận lợi': 1, 'hỗ trợ': 0.5, 'giúp đỡ': 1, 'vui mừng': 1.5, 'phấn khởi': 1.5,
  'ấn tượng': 1, 'đẹp': 1, 'xuất sắc': 2, 'hoàn thành': 1, 'khánh thành': 1.5, 'đạt chuẩn': 1.5, 'bội thu': 1.5, 'tăng trưởng': 1,
  'ổn định': 0.5, 'minh bạch': 1, 'nhanh chóng': 1, 'tận tình': 1.5, 'chu đáo': 1.5, 'sáng tạo': 1, 'đoàn kết': 1, 'khởi sắc': 1.5,
  'đổi mới': 1, 'tiến bộ': 1, 'biểu dương': 1.5, 'trao tặng': 1, 'thiết thực': 1, 'ý nghĩa': 0.5, 'vượt kế hoạch': 1.5, 'cứu sống': 1.5,
  'thoát nghèo': 1.5, 'ấm no': 1.5, 'hạnh phúc': 1.5, 'an cư': 1, 'thông xe': 1, 'khắc phục': 0.5, 'hiệu quả cao': 2, 'tuyệt vời': 2,
  'yên tâm': 1, 'cảm ơn': 1, 'ủng hộ': 1,
};

const NEGATIVE: Record<string, number> = {
  'sạt lở': 1.5, 'lũ quét': 2, 'lũ lụt': 1.5, 'ngập': 1, 'ngập lụt': 1.5, 'thiệt hại': 1.5, 'tai nạn': 1.5, 'chết': 2, 'tử vong': 2,
  'mất tích': 2, 'bức xúc': 1.5, 'phản đối': 1, 'khiếu nại': 1, 'tố cáo': 1.5, 'tham nhũng': 2, 'sai phạm': 1.5, 'vi phạm': 1,
  'chậm trễ': 1, 'quá hạn': 1, 'hư hỏng': 1, 'xuống cấp': 1, 'ô nhiễm': 1.5, 'cháy': 1, 'cháy rừng': 2, 'phá rừng': 2,
  'khai thác trái phép': 2, 'trộm': 1.5, 'lừa đảo': 2, 'gây rối': 1.5, 'nguy hiểm': 1.5, 'cô lập': 1.5, 'chia cắt': 1.5,
  'mất điện': 1, 'thiếu nước': 1, 'dịch bệnh': 1.5, 'sốt xuất huyết': 1.5, 'ngộ độc': 2, 'yếu kém': 1.5, 'tiêu cực': 1.5,
  'nhũng nhiễu': 2, 'gây khó dễ': 1.5, 'bất cập': 1, 'lãng phí': 1.5, 'thất thoát': 1.5, 'kém': 1, 'tệ': 1.5, 'xấu': 1,
  'thất bại': 1.5, 'đình trệ': 1.5, 'bỏ học': 1, 'khó khăn': 0.5, 'nghiêm trọng': 1.5, 'sự cố': 1, 'chậm': 0.5, 'ùn tắc': 1,
  'hoang mang': 1.5, 'lo lắng': 1, 'bất an': 1.5, 'đuối nước': 2, 'sập': 1.5, 'tắc đường': 1, 'đe dọa': 1.5, 'cảnh báo': 0.5,
  'trái phép': 1.5, 'không đạt': 1, 'phàn nàn': 1,
};

const NEGATORS = ['không', 'chưa', 'chẳng', 'chả', 'không hề', 'chưa hề', 'chẳng hề', 'đâu có', 'không có', 'chưa có', 'không còn', 'hết'];
const INTENSIFIERS: Record<string, number> = { 'rất': 1.5, 'cực kỳ': 2, 'vô cùng': 2, 'hết sức': 1.5, 'quá': 1.3, 'đặc biệt': 1.3, 'nhiều': 1.2 };

type Entry = { words: string[]; weight: number; phrase: string };
const words = (s: string) => foldVietnamese(s).split(' ').filter(Boolean);

function index(lex: Record<string, number>, sign: number): Map<string, Entry[]> {
  const m = new Map<string, Entry[]>();
  for (const [phrase, w] of Object.entries(lex)) {
    const ws = words(phrase);
    const list = m.get(ws[0]) ?? [];
    list.push({ words: ws, weight: sign * w, phrase });
    list.sort((a, b) => b.words.length - a.words.length);
    m.set(ws[0], list);
  }
  return m;
}
const LEXICON = (() => {
  const pos = index(POSITIVE, 1);
  const neg = index(NEGATIVE, -1);
  const all = new Map<string, Entry[]>();
  for (const src of [pos, neg]) for (const [k, v] of src) all.set(k, [...(all.get(k) ?? []), ...v].sort((a, b) => b.words.length - a.words.length));
  return all;
})();
const NEG = NEGATORS.map(words);
const INT = Object.entries(INTENSIFIERS).map(([p, f]) => ({ words: words(p), factor: f }));

const endsWith = (tokens: string[], end: number, phrase: string[]) =>
  end - phrase.length >= 0 && phrase.every((w, k) => tokens[end - phrase.length + k] === w);

export interface SentimentResult {
  label: Sentiment;
  score: number;
  hits: Array<{ phrase: string; weight: number; negated: boolean }>;
}

/** Score a text: Σ lexicon hits (negated hits flip: positives fully, negatives at half weight). */
export function sentiment(text: string): SentimentResult {
  const hits: SentimentResult['hits'] = [];
  let score = 0;
  // Clauses: punctuation ends the reach of a negator.
  for (const clause of text.split(/[.,;:!?…\n()"“”]+/)) {
    const tokens = words(clause);
    for (let i = 0; i < tokens.length; ) {
      const entry = LEXICON.get(tokens[i])?.find((e) => e.words.every((w, k) => tokens[i + k] === w));
      if (!entry) {
        i++;
        continue;
      }
      let factor = 1;
      let end = i;
      const intens = INT.find((x) => endsWith(tokens, end, x.words));
      if (intens) {
        factor *= intens.factor;
        end -= intens.words.length;
      }
      // A negator right before (or one word before, "không được tốt", "chưa thật sự hiệu quả").
      const negated = NEG.some((n) => endsWith(tokens, end, n) || endsWith(tokens, end - 1, n) || (end >= 2 && endsWith(tokens, end - 2, n) && tokens[end - 1] === 'su' && tokens[end - 2] === 'that'));
      let w = entry.weight * factor;
      if (negated) w = w > 0 ? -w : -w * 0.5;
      score += w;
      hits.push({ phrase: entry.phrase, weight: Math.round(w * 100) / 100, negated });
      i += entry.words.length;
    }
  }
  score = Math.round(score * 100) / 100;
  return { label: score >= 1 ? 'positive' : score <= -1 ? 'negative' : 'neutral', score, hits };
}

// ── keyword packs ────────────────────────────────────────────────────────────

export interface KeywordPack {
  /** The unit the pack is about (a vn-2025 commune, or the district). */
  unitId: string;
  keywords: string[];
}

/** Keywords of a pack found in the text, diacritic- and case-insensitive, on word boundaries. */
export function matchKeywords(text: string, keywords: readonly string[]): string[] {
  const hay = ` ${words(text).join(' ')} `;
  return keywords.filter((k) => {
    const needle = words(k).join(' ');
    return needle !== '' && hay.includes(` ${needle} `);
  });
}
