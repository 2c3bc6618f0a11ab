import { useCallback, useEffect, useRef, useState } from 'react';
import { useDidHide, useDidShow } from '@tarojs/taro';
import { errorText } from '../services/api';

export interface DataState<T> {
  data: T | undefined;
  loading: boolean;
  error: string | undefined;
  reload: () => Promise<void>;
}

/**
 * Load data when the page shows (and again each time it comes back to the front), with loading and
 * error states in Chinese. With `pollMs`, refresh in place while the page is visible: the office's
 * live boards use this, so counts change without a reload.
 */
export function useData<T>(load: () => Promise<T>, opts: { pollMs?: number; deps?: unknown[] } = {}): DataState<T> {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const loadRef = useRef(load);
  loadRef.current = load;
  const visible = useRef(true);

  const run = useCallback(async (quiet: boolean) => {
    if (!quiet) setLoading(true);
    try {
      const d = await loadRef.current();
      setData(d);
      setError(undefined);
    } catch (e) {
      // A failed background refresh keeps the last data on screen.
      if (!quiet) setError(errorText(e));
    } finally {
      if (!quiet) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void run(false);
  }, opts.deps ?? []);

  const shownOnce = useRef(false);
  useDidShow(() => {
    visible.current = true;
    if (shownOnce.current) void run(true);
    shownOnce.current = true;
  });
  useDidHide(() => {
    visible.current = false;
  });

  useEffect(() => {
    if (!opts.pollMs) return undefined;
    const timer = setInterval(() => {
      if (visible.current) void run(true);
    }, opts.pollMs);
    return () => clearInterval(timer);
  }, [opts.pollMs, run]);

  return { data, loading, error, reload: () => run(false) };
}
