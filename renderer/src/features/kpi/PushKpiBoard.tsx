import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KPI_BOARDS, type KpiBoardId, type WallState } from '../../../../shared/contracts';
import { api } from '../../api';
import { DisplaySelect, useDisplayTarget } from '../../shell/DisplaySelect';
import { PushResult, usePush } from '../../shell/usePush';

/**
 * Console panel: show a KPI board on a wall display. The wall contract's per-display `layout`
 * carries the board id; the display's KPI view follows it through `wall:changed`.
 */
export function PushKpiBoard({ wall }: { wall: WallState }) {
  const { t } = useTranslation();
  const { displays, target, choose } = useDisplayTarget(wall.resolved, 'kpi');
  const [board, setBoard] = useState<KpiBoardId>('overview');
  const { busy, result, run } = usePush();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!target) return;
    void run(
      async () => {
        await api.wall.assignView({ displayId: target.displayId, view: 'kpi', layout: board });
        return t('kpi.push.done', { display: target.label, board: t(`kpi.boards.${board}`) });
      },
      (message) => t('console.error', { message }),
    );
  };

  return (
    <form className="card push-to-wall" data-testid="push-kpi" onSubmit={submit}>
      <h2>{t('kpi.push.title')}</h2>
      <div className="push-row">
        <DisplaySelect label={t('kpi.push.display')} displays={displays} value={target} onChange={choose} testId="push-kpi-display" />
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
      <PushResult result={result} testId="push-kpi-result" />
    </form>
  );
}
