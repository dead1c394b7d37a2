import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KPI_BOARDS, type KpiBoardId, type WallState } from '../../../../shared/contracts';
import { api } from '../../api';

/**
 * Console panel: show a KPI board on a wall display. The wall contract's per-display `layout`
 * carries the board id; the display's KPI view follows it through `wall:changed`.
 */
export function PushKpiBoard({ wall }: { wall: WallState }) {
  const { t } = useTranslation();
  const displays = [...wall.resolved].sort((a, b) => Number(b.view === 'kpi') - Number(a.view === 'kpi'));
  const [displayId, setDisplayId] = useState('');
  const [board, setBoard] = useState<KpiBoardId>('overview');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const target = displays.find((d) => d.displayId === displayId) ?? displays[0];

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!target) return;
    setBusy(true);
    setResult(null);
    try {
      await api.wall.assignView({ displayId: target.displayId, view: 'kpi', layout: board });
      setResult({ ok: true, text: t('kpi.push.done', { display: target.label, board: t(`kpi.boards.${board}`) }) });
    } catch (err) {
      setResult({ ok: false, text: t('console.error', { message: (err as Error).message }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card push-to-wall" data-testid="push-kpi" onSubmit={submit}>
      <h2>{t('kpi.push.title')}</h2>
      <div className="push-row">
        <label>
          {t('kpi.push.display')}
          <select value={target?.displayId ?? ''} onChange={(e) => setDisplayId(e.target.value)} data-testid="push-kpi-display">
            {displays.map((d) => (
              <option key={d.displayId} value={d.displayId}>
                {d.label} — {t(`views.${d.view}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('kpi.push.board')}
          <select value={board} onChange={(e) => setBoard(e.target.value as KpiBoardId)} data-testid="push-kpi-board">
            {KPI_BOARDS.map((b) => (
              <option key={b} value={b}>
                {t(`kpi.boards.${b}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <button type="submit" disabled={busy || !target} data-testid="push-kpi-submit">
        {t('kpi.push.submit')}
      </button>
      {result && (
        <p className={result.ok ? 'push-ok' : 'error'} role="status" data-testid="push-kpi-result">
          {result.text}
        </p>
      )}
    </form>
  );
}
