import { useCallback, useRef, useState } from 'react';
import { errorText } from '../services/api';

export interface SubmitState {
  /** True while the action runs: show it on the button (`loading={busy}`). */
  busy: boolean;
  /** The last problem in Chinese: a failed check or the server's own message. */
  error: string | undefined;
  /** Set or clear the message by hand (e.g. cleared when the user fixes a field). */
  setError: (text: string | undefined) => void;
  /**
   * Run one submission, guarded against a second tap while it runs: clears the old message, runs
   * `check` first (a returned text is shown and nothing is sent), then the action; a thrown error
   * becomes its Chinese text. Resolves true when the action finished without error, false otherwise.
   */
  run: (action: () => Promise<unknown>, check?: () => string | undefined) => Promise<boolean>;
}

/** The console's guarded submit: one form, one action in flight, one message. */
export function useSubmit(): SubmitState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const busyRef = useRef(false);

  const run = useCallback(async (action: () => Promise<unknown>, check?: () => string | undefined) => {
    if (busyRef.current) return false;
    setError(undefined);
    const problem = check?.();
    if (problem) {
      setError(problem);
      return false;
    }
    busyRef.current = true;
    setBusy(true);
    try {
      await action();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);

  return { busy, error, setError, run };
}
