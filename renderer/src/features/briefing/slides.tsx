import { useTranslation } from 'react-i18next';
import type { AlertItem, BriefingSlideId, FeedbackQueryResult, KpiBoardId, KpiState, MapLayerSnapshot } from '../../../../shared/contracts';
import { INDICATORS, stateOf } from '../../../../shared/kpi/catalogue';
import type { Camera } from '../../../../shared/domain/entities';
import { unitName } from '../../../../shared/kpi/units';
import { api } from '../../api';
import { locale } from '../../i18n';
import { wallDate, wallTime } from '../../shell/Clock';
import { useNow, useSyncStatus } from '../../shell/hooks';
import { formatAsOf, formatDuration } from '../kpi/format';
import { ScoreCard } from '../kpi/ScoreCard';
import { useKpi } from '../kpi/useKpi';
import { WorklistPanel } from '../kpi/WorklistPanel';
import { camerasByCommune, newest, onScreen, pick, stations, useBoard, type Station } from './data';
import { BigStat, Slide, Tiles } from './Slide';

/** The headline indicator of each of the six components, in the order the IOC presents them. */
const HEADLINES: ReadonlyArray<{ board: KpiBoardId; code: string }> = [
  { board: 'services', code: 'dvc.score766' },
  { board: 'feedback', code: 'pakn.ontime_pct' },
  { board: 'cameras', code: 'cam.online_pct' },
  { board: 'health', code: 'hl.fully_immunized_pct' },
  { board: 'education', code: 'ed.schools_standard_pct' },
  { board: 'cyberspace', code: 'cyber.negative_pct' },
];

function OverviewSlide() {
  const { t, i18n } = useTranslation();
  const b = useBoard('overview');
  const now = useNow(30_000);
  // "Thứ Năm, 26/11/2026 · 18:14" in Vietnam time, as the status bar's clock shows it.
  const date = `${wallDate(now, i18n.language)} · ${wallTime(now, i18n.language)}`;
  return (
    <Slide
      id="overview"
      asOf={b.value?.asOf ?? null}
      ready={!!b.value}
      error={b.error}
      aside={
        <span className="bf-today" data-testid="briefing-today">
          {t('briefing.district')} · {date}
        </span>
      }
    >
      <div className="bf-tiles bf-grid-3">
        {HEADLINES.map(({ board, code }) => (
          <div className="bf-labelled" key={code}>
            <span className="bf-component">{t(`kpi.boards.${board}`)}</span>
            <Tiles tiles={pick(b.value, [code])} current={b.value?.period ?? ''} />
          </div>
        ))}
      </div>
    </Slide>
  );
}

/** A live count judged by the catalogue's thresholds of the indicator it is a live reading of. */
const judged = (code: string, n: number | null | undefined): KpiState => {
  const ind = INDICATORS.get(code);
  return ind && n != null ? stateOf(ind, n) : 'none';
};

/** Colour of an alarm band: below BĐ1 green, BĐ1 yellow, BĐ2 orange, BĐ3 red (as the river-watch boards). */
const BAND_CLASS = ['b0', 'b1', 'b2', 'b3'] as const;
const HOUR = 3_600_000;
/** Station rows one 1920×1080 slide holds at full size (the calmest give way to an "N more" line). */
const STATION_ROWS = 5;

function WaterGauge({ s }: { s: Station }) {
  const { i18n } = useTranslation();
  const nf = new Intl.NumberFormat(locale(i18n.language), { maximumFractionDigits: 2 });
  if (s.bd1 == null || s.bd2 == null || s.bd3 == null) return <div className="bf-gauge" />;
  // The scale spans the alarm levels with room either side (and the level, whatever it is): what the
  // room compares is the level against BĐ1–BĐ3, not against the river bed.
  const span = Math.max(0.5, s.bd3 - s.bd1);
  const lo = Math.max(0, Math.min(s.bd1 - span * 0.8, (s.levelM ?? s.bd1) - span * 0.15));
  const hi = Math.max(s.bd3 + span * 0.35, (s.levelM ?? 0) + span * 0.15);
  const at = (v: number) => `${Math.min(100, Math.max(0, ((v - lo) / (hi - lo)) * 100)).toFixed(2)}%`;
  const marks = [s.bd1, s.bd2, s.bd3];
  return (
    <div className="bf-gauge" aria-hidden="true">
      <div className="bf-gauge-track">
        <span className="bf-gauge-zone b0" style={{ left: 0, width: at(s.bd1) }} />
        <span className="bf-gauge-zone b1" style={{ left: at(s.bd1), width: `calc(${at(s.bd2)} - ${at(s.bd1)})` }} />
        <span className="bf-gauge-zone b2" style={{ left: at(s.bd2), width: `calc(${at(s.bd3)} - ${at(s.bd2)})` }} />
        <span className="bf-gauge-zone b3" style={{ left: at(s.bd3), right: 0 }} />
        {s.levelM != null && <span className={`bf-gauge-fill ${BAND_CLASS[Math.max(0, s.band)]}`} style={{ width: at(s.levelM) }} />}
        {marks.map((m, i) => (
          <span key={i} className="bf-gauge-mark" style={{ left: at(m) }} />
        ))}
        {s.levelM != null && <span className="bf-gauge-level" style={{ left: at(s.levelM) }} />}
      </div>
      <div className="bf-gauge-labels">
        {marks.map((m, i) => (
          <span key={i} className={`bf-gauge-label ${BAND_CLASS[i + 1]}`} style={{ left: at(m) }}>
            <b>BĐ{i + 1}</b> {nf.format(m)}
          </span>
        ))}
      </div>
    </div>
  );
}

function WaterSlide() {
  const { t, i18n } = useTranslation();
  const now = useNow(60_000); // a reading turns stale as time passes
  const layer = useKpi<MapLayerSnapshot>('briefing|water', () => api.map.getLayer({ layer: 'water' }), ['water_reading', 'water_station']);
  const alerts = useKpi<AlertItem[]>('briefing|water-alerts', () => api.data.listAlerts({ open: true, limit: 500 }), ['alert']);
  const list = stations(layer.value);
  const open = (alerts.value ?? []).filter((a) => a.row.kind === 'water_level').length;
  const above = (n: number) => list.filter((s) => s.band >= n).length;
  const level = new Intl.NumberFormat(locale(i18n.language), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const cacheAsOf = useSyncStatus()?.asOf;
  const newestReading = newest(...list.map((s) => s.readingAt));
  const { shown: rows, hidden } = onScreen(list, STATION_ROWS);
  return (
    <Slide id="water" asOf={newest(newestReading, cacheAsOf)} ready={!!layer.value && !!alerts.value} error={layer.error ?? alerts.error}>
      <div className="bf-row bf-row-4">
        {[1, 2, 3].map((n) => (
          <BigStat key={n} testId={`stat-above-${n}`} label={t('briefing.water.above', { n })} value={above(n)} sub={t('briefing.water.of', { total: list.length })} state={above(n) === 0 ? 'green' : n === 1 ? 'amber' : 'red'} />
        ))}
        <BigStat testId="stat-water-alerts" label={t('briefing.water.alerts')} value={open} sub={t('briefing.water.alertsSub')} state={open ? 'red' : 'green'} />
      </div>
      <section className="kpi-panel bf-water" data-testid="water-stations" data-total={list.length}>
        {list.length === 0 ? (
          <p className="muted">{t('briefing.water.none')}</p>
        ) : (
          <ol className="bf-water-list">
            {rows.map((s) => {
              const stale = !s.readingAt || now.getTime() - Date.parse(s.readingAt) > HOUR;
              const when = s.readingAt ? formatAsOf(s.readingAt) : null;
              // "18:20" today, "18:20 25/11" for an older reading.
              const shown = when && formatAsOf(now.toISOString()).slice(6) === when.slice(6) ? when.slice(0, 5) : when;
              return (
                <li key={s.id} className={`bf-water-row band-${BAND_CLASS[Math.max(0, s.band)]}`} data-testid="water-station" data-id={s.id} data-band={s.band} data-level={s.levelM ?? ''}>
                  <span className="bf-water-name">
                    <strong>{s.name}</strong>
                    <span className="muted">{s.river}</span>
                  </span>
                  <strong className="bf-water-level">{s.levelM == null ? '—' : `${level.format(s.levelM)} m`}</strong>
                  <WaterGauge s={s} />
                  <span className="bf-water-state">
                    <span className={`bf-chip ${s.band < 0 ? 'none' : BAND_CLASS[s.band]}`} data-testid="water-band">
                      {s.band < 0 ? t('briefing.water.noLevel') : t(`briefing.water.band.${BAND_CLASS[s.band]}`)}
                    </span>
                    <span className={`bf-water-at ${stale ? 'warn' : 'muted'}`} title={stale ? t('briefing.water.stale') : undefined} data-testid="water-at" data-stale={stale}>
                      {shown ? t('briefing.water.readAt', { time: shown }) : '—'}
                    </span>
                  </span>
                </li>
              );
            })}
          </ol>
        )}
        {hidden > 0 && (
          <p className="muted kpi-more" data-testid="water-more">
            {t('briefing.water.more', { count: hidden })}
          </p>
        )}
      </section>
    </Slide>
  );
}

function FeedbackSlide() {
  const { t } = useTranslation();
  const b = useBoard('feedback');
  // Open cases and the live SLA counts (overdue, due within 24 h) from the queue itself.
  const q = useKpi<FeedbackQueryResult>(
    'briefing|feedback-open',
    async () => {
      const { openStatuses } = await api.feedback.lookups();
      return api.feedback.query({ filters: { status: openStatuses }, limit: 0 });
    },
    ['feedback_case', 'case_event'],
  );
  const ontime = pick(b.value, ['pakn.ontime_pct']);
  const r = q.value;
  // The live counts are as of the cache's last pull from the central server.
  const cacheAsOf = useSyncStatus()?.asOf;
  return (
    <Slide id="feedback" asOf={newest(b.value?.asOf, cacheAsOf)} ready={!!b.value && !!r} error={b.error ?? q.error}>
      <div className="bf-row bf-row-4">
        <BigStat testId="stat-open" label={t('briefing.feedback.open')} value={r?.total} state="none" />
        <BigStat testId="stat-overdue" label={t('briefing.feedback.overdue')} value={r?.counts.overdue} state={judged('pakn.overdue', r?.counts.overdue)} />
        <BigStat testId="stat-due-soon" label={t('briefing.feedback.dueSoon')} value={r?.counts.dueSoon} state={r?.counts.dueSoon ? 'amber' : 'green'} />
        <Tiles tiles={ontime} current={b.value?.period ?? ''} className="bf-inline" />
      </div>
      <div className="bf-list">
        <WorklistPanel kind="feedback_overdue" limit={6} />
      </div>
    </Slide>
  );
}

function ServicesSlide() {
  const b = useBoard('services');
  const tiles = pick(b.value, ['dvc.ontime_pct', 'dvc.due_24h', 'dvc.overdue_open']);
  return (
    <Slide id="services" asOf={b.value?.score766?.asOf ?? b.value?.asOf ?? null} ready={!!b.value} error={b.error}>
      <div className="bf-split">
        {b.value?.score766 ? <ScoreCard score={b.value.score766} /> : <div />}
        <Tiles tiles={tiles} current={b.value?.period ?? ''} className="bf-stack" />
      </div>
    </Slide>
  );
}

/** More offline cameras than this: their list and the communes' table side by side. */
const SIDE_BY_SIDE_FROM = 2;

function CamerasSlide() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const b = useBoard('cameras');
  const now = useNow(60_000); // how long each camera has been offline, ticking
  const alerts = useKpi<AlertItem[]>('briefing|camera-alerts', () => api.data.listAlerts({ open: true, limit: 500 }), ['alert']);
  const cams = useKpi<Camera[]>('briefing|cameras', () => api.streams.listCameras(), ['camera']);
  const pct = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 1 });
  const offline = (alerts.value ?? []).map((a) => a.row).filter((a) => a.kind === 'camera_offline').sort((x, y) => x.raisedAt.localeCompare(y.raisedAt));
  const [online] = pick(b.value, ['cam.online_pct']);
  const [offNow] = pick(b.value, ['cam.offline_now']);
  const total = online?.denominator ?? null;
  const communes = camerasByCommune(cams.value ?? [], offline);
  const side = offline.length > SIDE_BY_SIDE_FROM;
  const shown = offline.slice(0, 4); // beside the table, four (two lines each) and "N more" fit
  const cacheAsOf = useSyncStatus()?.asOf; // the open alerts are as of the cache's last pull
  return (
    <Slide id="cameras" asOf={newest(b.value?.asOf, cacheAsOf)} ready={!!b.value && !!alerts.value && !!cams.value} error={b.error ?? alerts.error ?? cams.error}>
      <div className="bf-row bf-row-4">
        <BigStat testId="stat-online" label={t('briefing.cameras.online')} value={online?.numerator} sub={total != null ? t('briefing.cameras.of', { total }) : undefined} state={online?.state ?? 'none'} />
        <BigStat testId="stat-offline" label={t('briefing.cameras.offline')} value={offNow?.value ?? offline.length} state={offNow?.state ?? judged('cam.offline_now', offline.length)} />
        <Tiles tiles={pick(b.value, ['cam.online_pct', 'cam.uptime_pct'])} current={b.value?.period ?? ''} className="bf-inline" />
      </div>
      {/* Few offline cameras: their list above the communes' table. More: side by side, so neither is cut. */}
      <div className={`bf-cam-lower${side ? ' side' : ''}`}>
      <section className="kpi-panel bf-offline" data-testid="offline-cameras" data-total={offline.length}>
        <header className="kpi-panel-head">
          <h2>{t('briefing.cameras.offlineList')}</h2>
          <strong className={`kpi-count ${offline.length ? 'bad' : ''}`}>{offline.length}</strong>
        </header>
        {offline.length === 0 ? (
          <p className="muted">{t('briefing.cameras.none')}</p>
        ) : (
          <ol className="kpi-items bf-offline-list">
            {shown.map((a) => (
              <li key={a.id} data-id={a.id}>
                <span className="kpi-item-main">
                  <strong>{a.title}</strong>
                </span>
                <span className="kpi-item-where">{a.unitId ? unitName(a.unitId) : ''}</span>
                <span className="kpi-item-due bad">{t('briefing.cameras.since', { time: formatDuration(now.getTime() - Date.parse(a.raisedAt), lang) })}</span>
              </li>
            ))}
          </ol>
        )}
        {offline.length > shown.length && <p className="muted kpi-more">{t('kpi.worklists.more', { count: offline.length - shown.length })}</p>}
      </section>
      <section className="kpi-panel bf-communes" data-testid="camera-communes" data-total={communes.reduce((n, r) => n + r.cameras, 0)}>
        <table className="bf-table">
          <thead>
            <tr>
              <th>{t('briefing.cameras.byCommune')}</th>
              <th className="num">{t('briefing.cameras.total')}</th>
              <th className="num">{t('briefing.cameras.offlineNow')}</th>
              <th className="num">{t('briefing.cameras.onlinePct')}</th>
            </tr>
          </thead>
          <tbody>
            {communes.map((r) => {
              const state = r.onlinePct == null ? 'none' : judged('cam.online_pct', r.onlinePct);
              return (
                <tr key={r.unitId ?? '-'} data-testid="camera-commune" data-unit={r.unitId ?? ''} data-cameras={r.cameras} data-offline={r.offline}>
                  <td>{r.unitId ? unitName(r.unitId) : t('briefing.cameras.noCommune')}</td>
                  <td className="num">{r.cameras}</td>
                  <td className={`num${r.offline ? ' bad' : ''}`}>{r.offline}</td>
                  <td className={`num state-${state}`}>{r.onlinePct == null ? '—' : `${pct.format(r.onlinePct)} %`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      </div>
    </Slide>
  );
}

function HealthEducationSlide() {
  const { t } = useTranslation();
  const h = useBoard('health');
  const e = useBoard('education');
  const health = pick(h.value, ['hl.fully_immunized_pct', 'hl.ehr_coverage_pct', 'hl.dtp_dropout_pct']);
  const education = pick(e.value, ['ed.schools_standard_pct', 'ed.dropout_pct', 'ed.enrol_lower_secondary_pct']);
  return (
    <Slide id="health_education" asOf={newest(h.value?.asOf, e.value?.asOf)} ready={!!h.value && !!e.value} error={h.error ?? e.error}>
      <h2 className="bf-section">{t('briefing.health')}</h2>
      <Tiles tiles={health} current={h.value?.period ?? ''} className="bf-grid-3" />
      <h2 className="bf-section">{t('briefing.education')}</h2>
      <Tiles tiles={education} current={e.value?.period ?? ''} className="bf-grid-3" />
    </Slide>
  );
}

function CyberspaceSlide() {
  const b = useBoard('cyberspace');
  const tiles = pick(b.value, ['cyber.mentions', 'cyber.negative_pct', 'cyber.positive_pct']);
  return (
    <Slide id="cyberspace" asOf={b.value?.asOf ?? null} ready={!!b.value} error={b.error}>
      <Tiles tiles={tiles} current={b.value?.period ?? ''} className="bf-grid-3" />
      <div className="bf-list">
        <WorklistPanel kind="cyber_negative" limit={5} />
      </div>
    </Slide>
  );
}

export const SLIDE_VIEWS: Record<BriefingSlideId, () => React.JSX.Element> = {
  overview: OverviewSlide,
  water: WaterSlide,
  feedback: FeedbackSlide,
  services: ServicesSlide,
  cameras: CamerasSlide,
  health_education: HealthEducationSlide,
  cyberspace: CyberspaceSlide,
};
