/**
 * Map colours for the two themes. Dark is the wall theme (read from across a room: strong
 * outlines, bright labels with halos, quiet fills); light is for a desk or a projector in a bright
 * room. State colours match the app's CSS variables (--ok, --warn, --bad, --idle, --accent).
 */
export type MapTheme = 'dark' | 'light';

export interface MapPalette {
  background: string;
  neighbourFill: string;
  neighbourLine: string;
  neighbourLabel: string;
  districtFill: string;
  districtLine: string;
  communeFill: string;
  communeLine: string;
  communeLabel: string;
  oldUnit: string;
  oldUnitLabel: string;
  office: string;
  officeStroke: string;
  label: string;
  halo: string;
  /** Sequential ramp for choropleths, low → high. */
  ramp: readonly string[];
  noData: string;
  state: { ok: string; warn: string; bad: string; idle: string; accent: string };
  /** Water level against the alarm levels: below BĐ1, ≥ BĐ1, ≥ BĐ2, ≥ BĐ3. */
  water: Record<WaterClass, string>;
  facility: { school: string; health_station: string };
}

export const PALETTES: Record<MapTheme, MapPalette> = {
  dark: {
    background: '#0b1220',
    neighbourFill: '#101a2c',
    neighbourLine: '#3a4d72',
    neighbourLabel: '#7d8fb0',
    districtFill: '#14223a',
    districtLine: '#8fd3ff',
    communeFill: '#1a2c4a',
    communeLine: '#5f7db0',
    communeLabel: '#e8eef9',
    oldUnit: '#c6a4ff',
    oldUnitLabel: '#d9c7ff',
    office: '#ffd166',
    officeStroke: '#0b1220',
    label: '#e8eef9',
    halo: '#0b1220',
    ramp: ['#1d3b5c', '#1f5f7a', '#23868c', '#4fae86', '#9fd17a', '#f2ef6d'],
    noData: '#2a3346',
    state: { ok: '#2ecc71', warn: '#f5b700', bad: '#ff5c5c', idle: '#8a94a6', accent: '#4cc2ff' },
    water: { normal: '#4cc2ff', bd1: '#f5d90a', bd2: '#ff9f1a', bd3: '#ff3b3b' },
    facility: { school: '#7ee0c3', health_station: '#ff7eb6' },
  },
  light: {
    background: '#f3f5f8',
    neighbourFill: '#e6e9ef',
    neighbourLine: '#a3adbf',
    neighbourLabel: '#6b7588',
    districtFill: '#ffffff',
    districtLine: '#1b4f8a',
    communeFill: '#eef3fa',
    communeLine: '#6d87b3',
    communeLabel: '#13243f',
    oldUnit: '#6f42c1',
    oldUnitLabel: '#4b2a8c',
    office: '#c77700',
    officeStroke: '#ffffff',
    label: '#13243f',
    halo: '#ffffff',
    ramp: ['#f7fbff', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'],
    noData: '#d5d9e0',
    state: { ok: '#1e9e55', warn: '#c98a00', bad: '#d63a3a', idle: '#7a8496', accent: '#0a7bc2' },
    water: { normal: '#0a7bc2', bd1: '#c9a800', bd2: '#e07000', bd3: '#d10000' },
    facility: { school: '#128a6a', health_station: '#c2185b' },
  },
};

export type WaterClass = 'normal' | 'bd1' | 'bd2' | 'bd3';

/**
 * Alarm band of a water level (metres) against a station's BĐ1–BĐ3: 0 below BĐ1, 3 at or above BĐ3;
 * null without a (finite) level or without alarm levels. The map, the server's alerts and the
 * briefing all band a level with this.
 */
export function alarmBand(levelM: number | null | undefined, alarm: { bd1: number; bd2: number; bd3: number } | null): 0 | 1 | 2 | 3 | null {
  if (levelM == null || !Number.isFinite(levelM) || !alarm) return null;
  if (levelM >= alarm.bd3) return 3;
  if (levelM >= alarm.bd2) return 2;
  if (levelM >= alarm.bd1) return 1;
  return 0;
}

const WATER_CLASSES: readonly WaterClass[] = ['normal', 'bd1', 'bd2', 'bd3'];

/** The alarm class of a water level (metres) against a station's BĐ1–BĐ3; null level → null. */
export function waterClass(levelM: number | null | undefined, alarm: { bd1: number; bd2: number; bd3: number }): WaterClass | null {
  const band = alarmBand(levelM, alarm);
  return band === null ? null : WATER_CLASSES[band];
}

/**
 * Class breaks for a choropleth: `classes - 1` ascending thresholds by quantiles of the finite
 * values (duplicates removed, so fewer classes when values repeat). Empty input → [].
 */
export function quantileBreaks(values: ReadonlyArray<number | null | undefined>, classes = 5): number[] {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0 || classes < 2) return [];
  const out: number[] = [];
  for (let i = 1; i < classes; i++) {
    const q = v[Math.min(v.length - 1, Math.floor((i * v.length) / classes))];
    if (q > v[0] && (out.length === 0 || q > out[out.length - 1])) out.push(q);
  }
  return out;
}

/** The class (0…breaks.length) a value falls in: the number of breaks it reaches. */
export function classOf(value: number, breaks: readonly number[]): number {
  let i = 0;
  while (i < breaks.length && value >= breaks[i]) i++;
  return i;
}

/** `breaks.length + 1` colours spread over the theme's ramp. */
export function rampColors(theme: MapTheme, breaks: readonly number[]): string[] {
  const ramp = PALETTES[theme].ramp;
  const n = breaks.length + 1;
  if (n === 1) return [ramp[Math.floor(ramp.length / 2)]];
  return Array.from({ length: n }, (_, i) => ramp[Math.round((i * (ramp.length - 1)) / (n - 1))]);
}

/** Legend rows for a choropleth: colour and a [from, to) range label per class. */
export function choroplethLegend(theme: MapTheme, breaks: readonly number[], format: (n: number) => string = String): Array<{ color: string; label: string }> {
  const colors = rampColors(theme, breaks);
  return colors.map((color, i) => {
    const lo = i === 0 ? null : breaks[i - 1];
    const hi = i === breaks.length ? null : breaks[i];
    const label = lo == null && hi == null ? '' : lo == null ? `< ${format(hi!)}` : hi == null ? `≥ ${format(lo)}` : `${format(lo)} – ${format(hi)}`;
    return { color, label };
  });
}
