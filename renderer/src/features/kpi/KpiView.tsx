import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KPI_BOARDS, type KpiBoard, type KpiBoardId, type KpiPeriodKind, type WorklistKind } from '../../../../shared/contracts';
import { periodOf, periodRange, previousPeriod } from '../../../../shared/kpi/periods';
import { DISTRICT_ID, NEW_UNITS, OLD_UNITS } from '../../../../shared/kpi/units';
import { api, transport } from '../../api';
import { CameraStatus } from './CameraStatus';
import { DrillPanel } from './DrillPanel';
import { formatAsOf, formatPeriod, isTyping } from './format';
import { ScoreCard } from './ScoreCard';
import { Tile } from './Tile';
import { useKpi } from './useKpi';
import { WorklistPanel } from './WorklistPanel';
import './kpi.css';

const isBoard = (x: string | null | undefined): x is KpiBoardId => !!x && (KPI_BOARDS as readonly string[]).includes(x);
const PERIOD_KINDS: KpiPeriodKind[] = ['day', 'week', 'month', 'year'];

/** Panels under the tiles, per board: the first drill follows the tile the operator picks. */
const PANELS: Record<KpiBoardId, { drills: string[]; worklists: WorklistKind[]; score?: boolean; cameras?: boolean }> = {
  overview: { drills: [], worklists: ['dossiers_due', 'feedback_overdue'], score: true },
  services: { drills: ['dvc.ontime_pct'], worklists: ['dossiers_due', 'dossiers_late'], score: true },
  feedback: { drills: ['pakn.ontime_pct', 'pakn.overdue'], worklists: ['feedback_overdue'] },
  health: { drills: ['hl.fully_immunized_pct', 'hl.ehr_coverage_pct'], worklists: ['immunization_overdue'] },
  education: { drills: ['ed.dropout_pct', 'ed.schools_standard_pct'], worklists: [] },
  cyberspace: { drills: ['cyber.negative_pct', 'cyber.mentions'], worklists: ['cyber_negative'] },
  cameras: { drills: ['cam.online_pct'], worklists: [], cameras: true },
};

/** What a board's figures are read from: a change to any reloads it. */
const BOARD_ENTITIES = ['indicator_value', 'dossier_event', 'feedback_case'] as const;

function initialBoard(layout: string | undefined): KpiBoardId {
  const fromUrl = new URLSearchParams(location.search).get('board');
  return isBoard(fromUrl) ? fromUrl : isBoard(layout) ? layout : 'overview';
}

/**
 * The KPI boards: one per IOC component plus an overview, switched by the tabs, the keys 1–7 / ← →,
 * `?board=` in the URL, or the console (the wall assignment's layout is the board id).
 */
export function KpiView({ layout }: { layout?: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [board, setBoardState] = useState<KpiBoardId>(() => initialBoard(layout));
  const [periodKind, setPeriodKind] = useState<KpiPeriodKind>('month');
  const [period, setPeriod] = useState<string | null>(null); // null = the current one
  const [unitId, setUnitId] = useState<string>(DISTRICT_ID);
  const [selected, setSelected] = useState<string | null>(null);
  const [exportMsg, setExportMsg] = useState<{ ok: boolean; text: string } | null>(null);

  const setBoard = useCallback((b: KpiBoardId) => {
    setBoardState(b);
    setSelected(null);
    setExportMsg(null);
    const url = new URL(location.href);
    url.searchParams.set('board', b);
    history.replaceState(null, '', url.pathname + url.search);
  }, []);

  // The console pushed another board to this display.
  useEffect(() => {
    if (isBoard(layout)) setBoard(layout);
  }, [layout, setBoard]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const i = KPI_BOARDS.indexOf(board);
      if (/^[1-7]$/.test(e.key)) setBoard(KPI_BOARDS[Number(e.key) - 1]);
      else if (e.key === 'ArrowRight') setBoard(KPI_BOARDS[(i + 1) % KPI_BOARDS.length]);
      else if (e.key === 'ArrowLeft') setBoard(KPI_BOARDS[(i + KPI_BOARDS.length - 1) % KPI_BOARDS.length]);
      else if (e.key === 'Escape') setSelected(null);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [board, setBoard]);

  const scope = useMemo(() => ({ periodKind, unitId, ...(period ? { period } : {}) }), [periodKind, unitId, period]);
  const key = `${board}|${periodKind}|${period ?? ''}|${unitId}`;
  const loaded = useKpi<KpiBoard>(key, () => api.kpi.board({ board, scope }), BOARD_ENTITIES);
  const data = loaded.key === key ? loaded.value : null;

  // Tiles are on screen: the mark the first-paint benchmark waits for. The panels under them (charts,
  // worklists: more queries and an ECharts init each) mount one frame later, so they never hold the
  // tiles back.
  const [panelsFor, setPanelsFor] = useState<string | null>(null);
  useEffect(() => {
    if (!data) return;
    const id = requestAnimationFrame(() => {
      document.documentElement.dataset.kpiBoard = data.board;
      performance.mark(`ioc:kpi-tiles:${data.board}`);
      setPanelsFor(key);
    });
    return () => cancelAnimationFrame(id);
  }, [data, key]);

  const current = data?.period ?? periodOf(periodKind, new Date());
  const step = (dir: -1 | 1) => {
    const p = period ?? periodOf(periodKind, new Date());
    const next = dir < 0 ? previousPeriod(p) : periodOf(periodKind, periodRange(p).end);
    setPeriod(next >= periodOf(periodKind, new Date()) ? null : next);
  };

  const doExport = async () => {
    setExportMsg(null);
    try {
      const out = await api.kpi.exportCsv({ board, scope, lang: lang === 'en' ? 'en' : 'vi', save: transport === 'ipc' });
      if (out.savedTo) {
        setExportMsg({ ok: true, text: t('kpi.exported', { path: out.savedTo }) });
      } else {
        // Browser display of the host: the page downloads the text itself.
        const url = URL.createObjectURL(new Blob([out.csv], { type: 'text/csv;charset=utf-8' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = out.filename;
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        setExportMsg({ ok: true, text: t('kpi.exportedDownload', { file: out.filename, rows: out.rows }) });
      }
    } catch (err) {
      setExportMsg({ ok: false, text: t('kpi.exportFailed', { message: (err as Error).message }) });
    }
  };

  const panels = PANELS[board];
  const tiles = data?.tiles ?? [];
  const selectedTile = tiles.find((x) => x.indicator === selected) ?? null;
  const drillCodes = selectedTile ? [selectedTile.indicator, ...panels.drills.filter((c) => c !== selectedTile.indicator)].slice(0, Math.max(1, panels.drills.length)) : panels.drills;
  const drillTiles = drillCodes.map((c) => tiles.find((x) => x.indicator === c)).filter((x): x is NonNullable<typeof x> => !!x);
  const noData = data && tiles.every((x) => x.value == null) && !data.score766?.partialMax;

  return (
    <section className="kpi" data-testid="view-kpi" data-board={board} data-period={data?.period ?? ''} data-unit={unitId}>
      <header className="kpi-head">
        <nav className="kpi-tabs" aria-label={t('kpi.boardsLabel')} title={t('kpi.keysHint')}>
          {KPI_BOARDS.map((b, i) => (
            <button key={b} type="button" aria-pressed={b === board} data-testid={`board-${b}`} onClick={() => setBoard(b)}>
              <span className="kpi-key">{i + 1}</span> {t(`kpi.boards.${b}`)}
            </button>
          ))}
        </nav>
        <div className="kpi-controls">
          <div className="kpi-seg" role="group" aria-label={t('kpi.periodLabel')}>
            {PERIOD_KINDS.map((k) => (
              <button key={k} type="button" aria-pressed={k === periodKind} data-testid={`period-${k}`} onClick={() => (setPeriodKind(k), setPeriod(null))}>
                {t(`kpi.periodKind.${k}`)}
              </button>
            ))}
          </div>
          <div className="kpi-period">
            <button type="button" onClick={() => step(-1)} aria-label="◀" data-testid="period-prev">
              ◀
            </button>
            <strong data-testid="period-label">{formatPeriod(current, t)}</strong>
            <button type="button" onClick={() => step(1)} disabled={!period} aria-label="▶" data-testid="period-next">
              ▶
            </button>
          </div>
          <select className="kpi-area" value={unitId} onChange={(e) => setUnitId(e.target.value)} aria-label={t('kpi.area')} data-testid="area">
            <option value={DISTRICT_ID}>{t('kpi.district')}</option>
            <optgroup label={t('kpi.communes2025')}>
              {NEW_UNITS.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('kpi.units2019')}>
              {OLD_UNITS.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </optgroup>
          </select>
          <button type="button" onClick={doExport} data-testid="kpi-export">
            {t('kpi.export')}
          </button>
        </div>
      </header>
      {exportMsg && (
        <p className={exportMsg.ok ? 'kpi-export-msg' : 'error'} data-testid="kpi-export-msg" role="status">
          {exportMsg.text}
        </p>
      )}
      {loaded.error && <p className="error">{t('kpi.error', { message: loaded.error })}</p>}
      {!data ? (
        <p className="loading">{t('kpi.loading')}</p>
      ) : (
        <div className={`kpi-body kpi-body-${board}`}>
          <div className={`kpi-tiles n-${tiles.length}`} data-testid="kpi-tiles" data-count={tiles.length}>
            {tiles.map((tile) => (
              <Tile key={tile.indicator} tile={tile} current={data.period} selected={tile.indicator === selected} onSelect={(c) => setSelected((s) => (s === c ? null : c))} />
            ))}
          </div>
          {noData && <p className="kpi-empty muted">{t('kpi.empty')}</p>}
          <div className="kpi-panels" data-ready={panelsFor === key}>
            {panelsFor === key && (
              <>
            {panels.score && data.score766 && <ScoreCard score={data.score766} />}
            {board === 'overview' && selectedTile && <DrillPanel key={selectedTile.indicator} tile={selectedTile} periodKind={periodKind} period={data.period} />}
            {drillTiles.map((tile) => (
              <DrillPanel key={tile.indicator} tile={tile} periodKind={periodKind} period={data.period} />
            ))}
            {panels.cameras && <CameraStatus />}
            {panels.worklists.map((k) => (
              <WorklistPanel key={k} kind={k} unitId={unitId === DISTRICT_ID ? undefined : unitId} />
            ))}
              </>
            )}
          </div>
          <p className="kpi-footer muted">
            {t('kpi.asOf')} {formatAsOf(data.asOf, lang)} · {t('kpi.drill.hint')} · {t('kpi.keysHint')}
          </p>
        </div>
      )}
    </section>
  );
}
