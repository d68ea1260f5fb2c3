import { useEffect, useState } from 'react';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';

export type Async<T> =
  { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; error: ErrorInfo };

/** Runs `load` whenever `deps` change; a stale answer (deps changed meanwhile) is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [result, setResult] = useState<Async<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setResult({ state: 'loading' });
    load().then(
      (value) => live && setResult({ state: 'done', value }),
      (e: unknown) => live && setResult({ state: 'failed', error: toErrorInfo(e) }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return result;
}
