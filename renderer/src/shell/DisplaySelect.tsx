import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResolvedDisplay, ViewId } from '../../../shared/contracts';

/**
 * The wall displays to offer as a push target, those already showing `prefer` first, and the chosen
 * one (the first offered until the operator picks another, or when the picked one disappears).
 */
export function useDisplayTarget(resolved: readonly ResolvedDisplay[] | undefined, prefer: ViewId) {
  const displays = useMemo(() => [...(resolved ?? [])].sort((a, b) => Number(b.view === prefer) - Number(a.view === prefer)), [resolved, prefer]);
  const [displayId, choose] = useState('');
  const target: ResolvedDisplay | undefined = displays.find((d) => d.displayId === displayId) ?? displays[0];
  return { displays, target, choose };
}

/** "Display — view" picker: a labelled `<select>` of wall displays, each with the view it shows now. */
export function DisplaySelect({
  label,
  displays,
  value,
  onChange,
  testId,
}: {
  label: string;
  displays: readonly ResolvedDisplay[];
  value: ResolvedDisplay | undefined;
  onChange: (displayId: string) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <label>
      {label}{' '}
      <select value={value?.displayId ?? ''} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {displays.map((d) => (
          <option key={d.displayId} value={d.displayId}>
            {d.label} — {t(`views.${d.view}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
