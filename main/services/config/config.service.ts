import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { WallProfile } from '../../../shared/wall/profile';
import { MosaicState } from '../../../shared/video/mosaic';
import { MapBasemapConfig, NO_BASEMAP } from '../../../shared/map/basemap';
import type { Logger } from '../../core/dispatcher';
import { BRIEFING_INTERVAL_MAX_S, BRIEFING_INTERVAL_MIN_S } from '../../../shared/contracts/briefing.contract';

export const AppConfig = z.object({
  version: z.literal(1),
  wallProfile: WallProfile.optional(),
  language: z.enum(['vi', 'en']).default('vi'),
  /** Each display's camera mosaic (layout, cameras per tile, tour), restored at start. */
  mosaics: z.record(z.string(), MosaicState).default({}),
  /** The map: an optional online/PMTiles basemap under the district layers (default none: no network). */
  map: z.object({ basemap: MapBasemapConfig.default(NO_BASEMAP) }).default({ basemap: NO_BASEMAP }),
  /** The briefing deck's slide, restored at start (paused). Any whole number: the service bounds it to the deck. */
  briefing: z.object({ slide: z.number().int().nonnegative(), intervalSeconds: z.number().int().min(BRIEFING_INTERVAL_MIN_S).max(BRIEFING_INTERVAL_MAX_S).optional() }).optional(),
});
export type AppConfig = z.infer<typeof AppConfig>;

const DEFAULT: AppConfig = { version: 1, language: 'vi', mosaics: {}, map: { basemap: NO_BASEMAP } };

/**
 * The app's own settings (wall profile, language) in `<dataDir>/config.json`.
 * Writes are atomic (temp file + fsync + rename) so a power cut never leaves half a file; a corrupt
 * or invalid file is kept aside as `config.json.corrupt-<time>` (nothing lost) and defaults are used.
 */
export class ConfigStore {
  readonly path: string;
  private current: AppConfig;
  private loadProblem: string | null = null;

  constructor(dataDir: string, private readonly log: Logger, private readonly now: () => Date = () => new Date()) {
    this.path = join(dataDir, 'config.json');
    this.current = this.load();
  }

  get(): AppConfig {
    return this.current;
  }

  /** Why the stored file was not used at start, if it was not (shown in service health). */
  problem(): string | null {
    return this.loadProblem;
  }

  update(change: (c: AppConfig) => AppConfig): AppConfig {
    const next = AppConfig.parse(change(structuredClone(this.current)));
    this.write(next);
    this.current = next;
    return next;
  }

  private load(): AppConfig {
    if (!existsSync(this.path)) return { ...DEFAULT };
    let raw: string;
    try {
      raw = readFileSync(this.path, 'utf8');
    } catch (err) {
      this.loadProblem = `cannot read config: ${(err as Error).message}`;
      return { ...DEFAULT };
    }
    try {
      const parsed = AppConfig.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
      this.keepAside(`invalid config (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
    } catch {
      this.keepAside('config is not valid JSON');
    }
    return { ...DEFAULT };
  }

  private keepAside(reason: string): void {
    const aside = `${this.path}.corrupt-${this.now().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(this.path, aside);
    this.loadProblem = `${reason}; kept as ${aside}, using defaults`;
    this.log('warn', 'config file not usable', { reason, keptAs: aside });
  }

  private write(cfg: AppConfig): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(cfg, null, 2) + '\n', { mode: 0o600 });
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
