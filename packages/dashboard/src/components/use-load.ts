/** Loads data for a page, with a reload function for after changes; stale answers are dropped. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api/client.js';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  reload: () => void;
}

export function useLoad<T>(loader: () => Promise<T>, deps: readonly unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;
  useEffect(() => {
    const ticket = ++latest.current;
    loaderRef.current().then(
      (value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setError(null);
      },
      (caught: unknown) => {
        if (ticket === latest.current) setError(messageOf(caught));
      },
    );
  }, [version, ...deps]);

  const reload = useCallback(() => setVersion((value) => value + 1), []);
  return { data, error, reload };
}
