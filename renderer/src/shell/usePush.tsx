import { useCallback, useState } from 'react';

export type PushOutcome = { ok: boolean; text: string };

/**
 * Busy/result state of a "push to the wall" action: busy while it runs (the submit button is
 * disabled), then an ok text or the error's message (shaped by `failText`).
 */
export function usePush() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PushOutcome | null>(null);
  const run = useCallback(async (action: () => Promise<string>, failText: (message: string) => string = (m) => m) => {
    setBusy(true);
    setResult(null);
    try {
      setResult({ ok: true, text: await action() });
    } catch (err) {
      setResult({ ok: false, text: failText((err as Error).message) });
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, result, run };
}

/** The outcome line under a push form: green when done, the error style otherwise; announced (role=status). */
export function PushResult({ result, testId }: { result: PushOutcome | null; testId: string }) {
  if (!result) return null;
  return (
    <p className={result.ok ? 'push-ok' : 'error'} role="status" data-testid={testId}>
      {result.text}
    </p>
  );
}
