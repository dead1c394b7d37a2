// bench:startup — hostColdStartMs (spawn → host ready) and firstViewInteractiveMs (navigation → first
// view rendered with data from main), each over fresh hosts and fresh browser contexts.
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, startHost, stats, writeResult } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GOAL_INTERACTIVE_MS = 3000;

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const hostMs = [];
const interactiveMs = [];
const consoleMs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const host = await startHost({ displays: 2 });
    hostMs.push(host.startMs);
    for (const [display, sink] of [['2', interactiveMs], ['1', consoleMs]]) {
      const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      const page = await ctx.newPage();
      await page.goto(host.urls.find((u) => u.display === display).url);
      await page.waitForSelector('html[data-ready="true"]', { state: 'attached' });
      // performance marks are relative to navigation start of this page
      sink.push(await page.evaluate(() => performance.getEntriesByName('ioc:interactive')[0].startTime));
      await ctx.close();
    }
    await host.stop();
  }
} finally {
  await browser.close();
}

const interactive = stats(interactiveMs);
writeResult('startup', {
  runs: RUNS,
  // headline numbers are medians; the distributions follow
  hostColdStartMs: stats(hostMs).p50,
  firstViewInteractiveMs: interactive.p50,
  distributions: { hostColdStartMs: stats(hostMs), firstViewInteractiveMs: interactive, consoleInteractiveMs: stats(consoleMs) },
  goals: { firstViewInteractiveMs: `p95 <= ${GOAL_INTERACTIVE_MS}` },
  pass: interactive.p95 <= GOAL_INTERACTIVE_MS,
});
