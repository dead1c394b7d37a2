import { useCallback, useState } from 'react';
import type { BriefingGoInput, BriefingState } from '../../../../shared/contracts';
import { api } from '../../api';
import { useLive } from '../../shell/hooks';

const newer = (a: BriefingState | null, b: BriefingState | null) => (!a ? b : !b ? a : b.revision >= a.revision ? b : a);

/**
 * The deck position main holds for every window: loaded on mount and after a reconnect, followed
 * through `briefing:changed`; a page's own change shows at once from the call's answer.
 */
export function useBriefing(): { state: BriefingState | null; go: (input: BriefingGoInput) => void; error: string | null } {
  const shared = useLive(
    () => api.briefing.getState(),
    (l) => api.briefing.onChanged(l),
    (prev, next) => !prev || next.revision >= prev.revision,
  );
  const [own, setOwn] = useState<BriefingState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const go = useCallback((input: BriefingGoInput) => {
    api.briefing.go(input).then(
      (s) => (setOwn(s), setError(null)),
      (err: Error) => setError(err.message),
    );
  }, []);
  return { state: newer(shared, own), go, error };
}
