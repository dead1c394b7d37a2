/**
 * Cyberspace listening: configured RSS 2.0 / Atom feeds polled over HTTP(S), items matched against
 * keyword packs per commune (diacritic-insensitive), scored by the Vietnamese sentiment lexicon
 * (shared/kpi/sentiment.ts) and stored as `cyber_mention` rows (synced). Items are remembered per
 * feed, so a poll only adds what is new.
 */
import { createHash } from 'node:crypto';
import { inArray, and, eq } from 'drizzle-orm';
import { foldVietnamese } from '../../shared/feedback/search';
import { matchKeywords, sentiment, type KeywordPack } from '../../shared/kpi/sentiment';
import { DISTRICT_ID, NEW_UNITS, OLD_UNITS } from '../../shared/kpi/units';
import { cyberFeedsSeen } from '../db/schema';
import type { Logger } from '../log';
import { withWriteTx, type WriteContext } from '../sync/writer';
import { periodsTouched, recompute } from './compute';
import { raiseSpikeAlerts } from './spike';

export interface FeedConfig {
  id: string;
  url: string;
  /** Shown as the source of its mentions (default: the feed's own title or host). */
  source?: string;
}

export interface FeedItem {
  key: string;
  title: string;
  link: string | null;
  summary: string | null;
  publishedAt: number | null;
}

/** District pack first: its keywords are removed before commune packs are tried ("Bắc Trà My" ≠ "Trà My"). */
export const DEFAULT_KEYWORD_PACKS: KeywordPack[] = [
  { unitId: DISTRICT_ID, keywords: ['Bắc Trà My', 'huyện Bắc Trà My'] },
  ...NEW_UNITS.map((u) => ({
    unitId: u.id,
    keywords: [...new Set([u.name.replace(/^Xã /, ''), ...OLD_UNITS.filter((o) => o.successorId === u.id).map((o) => o.name.replace(/^(Xã|Thị trấn) /, ''))])],
  })),
];

const ENT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    }
    return ENT[e] ?? m;
  });
}

/** Text of the first <tag>…</tag> (CDATA unwrapped, entities decoded, inner HTML stripped). */
function tagText(block: string, tags: string[]): string | null {
  for (const tag of tags) {
    const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'i').exec(block);
    if (!m) continue;
    let t = m[1].replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
    t = decodeEntities(t);
    t = t.replace(/<[^>]*>/g, ' ');
    t = decodeEntities(t).replace(/\s+/g, ' ').trim();
    return t;
  }
  return null;
}

/** RSS 2.0 <item> or Atom <entry>; malformed items are skipped, not fatal. */
export function parseFeed(xml: string): { title: string | null; items: FeedItem[] } {
  const title = tagText(xml.replace(/<(item|entry)[\s>][\s\S]*$/i, ''), ['title']);
  const items: FeedItem[] = [];
  for (const m of xml.matchAll(/<(item|entry)(?:\s[^>]*)?>([\s\S]*?)<\/\1>/gi)) {
    const block = m[2];
    const t = tagText(block, ['title']);
    if (!t) continue;
    const atomLink = /<link\b[^>]*?href="([^"]+)"[^>]*\/?>/i.exec(block)?.[1] ?? null;
    const link = tagText(block, ['link']) || (atomLink ? decodeEntities(atomLink) : null);
    const summary = tagText(block, ['description', 'summary', 'content', 'content:encoded']);
    const dateText = tagText(block, ['pubDate', 'published', 'updated', 'dc:date']);
    const parsed = dateText ? Date.parse(dateText) : NaN;
    const guid = tagText(block, ['guid', 'id']);
    items.push({ key: guid || link || createHash('sha1').update(t).digest('hex'), title: t.slice(0, 500), link: link?.slice(0, 1000) ?? null, summary: summary?.slice(0, 2000) ?? null, publishedAt: Number.isFinite(parsed) ? parsed : null });
  }
  return { title, items };
}

/** The unit an item is about, and the keywords that said so; null when no pack matches. */
export function classify(text: string, packs: readonly KeywordPack[]): { unitId: string; keywords: string[] } | null {
  let rest = ` ${foldVietnamese(text).replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
  const district = packs.filter((p) => p.unitId === DISTRICT_ID);
  const found: string[] = [];
  for (const p of district) {
    const hit = matchKeywords(rest, p.keywords);
    for (const k of hit) rest = rest.split(` ${foldVietnamese(k)} `).join(' ¦ ');
    found.push(...hit);
  }
  for (const p of packs) {
    if (p.unitId === DISTRICT_ID) continue;
    const hit = matchKeywords(rest, p.keywords);
    if (hit.length) return { unitId: p.unitId, keywords: [...found, ...hit] };
  }
  return found.length ? { unitId: DISTRICT_ID, keywords: found } : null;
}

const MAX_FEED_BYTES = 5 * 1024 * 1024;

export async function fetchFeed(url: string, timeoutMs = 10_000): Promise<string> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'file:') throw new Error(`unsupported feed URL scheme ${u.protocol}`);
  if (u.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(u, 'utf8');
  }
  const res = await fetch(u, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/rss+xml, application/atom+xml, application/xml, text/xml' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const len = Number(res.headers.get('content-length') ?? 0);
  if (len > MAX_FEED_BYTES) throw new Error(`feed too large (${len} bytes)`);
  const buf = new Uint8Array(await res.arrayBuffer());
  if (buf.length > MAX_FEED_BYTES) throw new Error('feed too large');
  return new TextDecoder('utf-8').decode(buf);
}

export interface PollResult {
  feeds: number;
  items: number;
  mentions: number;
  failed: Array<{ feedId: string; error: string }>;
}

/** Poll every feed once; new matching items become mentions, KPIs of their periods are recomputed. */
export async function pollFeeds(ctx: WriteContext, feeds: readonly FeedConfig[], packs: readonly KeywordPack[], now: Date, log: Logger): Promise<PollResult> {
  const result: PollResult = { feeds: feeds.length, items: 0, mentions: 0, failed: [] };
  for (const feed of feeds) {
    let parsed: ReturnType<typeof parseFeed>;
    try {
      parsed = parseFeed(await fetchFeed(feed.url));
    } catch (err) {
      result.failed.push({ feedId: feed.id, error: (err as Error).message });
      log('warn', 'feed poll failed', { feed: feed.id, err: (err as Error).message });
      continue;
    }
    result.items += parsed.items.length;
    if (!parsed.items.length) continue;
    const source = feed.source ?? parsed.title ?? new URL(feed.url).host;
    await withWriteTx(ctx, async (w) => {
      const keys = parsed.items.map((i) => i.key.slice(0, 500));
      const seen = new Set((await w.tx.select({ k: cyberFeedsSeen.itemKey }).from(cyberFeedsSeen).where(and(eq(cyberFeedsSeen.feedId, feed.id), inArray(cyberFeedsSeen.itemKey, keys)))).map((r) => r.k));
      const fresh = parsed.items.filter((i) => !seen.has(i.key.slice(0, 500)));
      if (!fresh.length) return;
      await w.tx.insert(cyberFeedsSeen).values(fresh.map((i) => ({ feedId: feed.id, itemKey: i.key.slice(0, 500), seenAt: now }))).onConflictDoNothing();
      const mentions = [];
      for (const item of fresh) {
        const text = `${item.title}. ${item.summary ?? ''}`;
        const hit = classify(text, packs);
        if (!hit) continue;
        const s = sentiment(text);
        const at = Math.min(item.publishedAt ?? now.getTime(), now.getTime());
        mentions.push({ id: `cm:${feed.id}:${createHash('sha1').update(item.key).digest('hex').slice(0, 16)}`, feedId: feed.id, source: source.slice(0, 200), url: item.link, title: item.title, summary: item.summary, publishedAt: new Date(at).toISOString(), unitId: hit.unitId, keywords: hit.keywords, sentiment: s.label, score: s.score });
      }
      if (!mentions.length) return;
      await w.upsert('cyber_mention', mentions);
      result.mentions += mentions.length;
      await recompute(w, { now, periods: periodsTouched([...mentions.map((m) => Date.parse(m.publishedAt)), now.getTime()], now.getTime()) });
      await raiseSpikeAlerts(w, now);
    });
  }
  return result;
}
