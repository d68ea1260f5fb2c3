import { useEffect, useRef, useState } from 'react';
import type { QueryTag } from '../../../shared/api';
import { ErrorCode, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { useClient } from '../state/app-store';
import { queryTag } from './query-tag';

export type QueryState<T> =
  | { state: 'running'; since: number }
  | { state: 'done'; value: T }
  | { state: 'cancelled'; afterMs: number }
  | { state: 'failed'; error: ErrorInfo };

/**
 * Runs a tagged engine query of `panel` whenever `deps` change. The previous call, when still
 * running, is cancelled in the engine (not merely ignored), and so is a running call when the
 * component goes (another node is selected); `cancel()` stops the current one.
 */
export function useQuery<T>(
  panel: string,
  load: (tag: QueryTag) => Promise<T>,
  deps: unknown[],
): { result: QueryState<T>; cancel(): void } {
  const client = useClient();
  const [result, setResult] = useState<QueryState<T>>(() => ({
    state: 'running',
    since: performance.now(),
  }));
  const current = useRef<QueryTag | undefined>(undefined);

  useEffect(() => {
    const tag = queryTag(panel);
    const since = performance.now();
    let settled = false;
    current.current = tag;
    setResult({ state: 'running', since });
    load(tag).then(
      (value) => {
        settled = true;
        if (current.current === tag) setResult({ state: 'done', value });
      },
      (e: unknown) => {
        settled = true;
        if (current.current !== tag) return;
        const error = toErrorInfo(e);
        setResult(
          error.code === ErrorCode.Cancelled
            ? { state: 'cancelled', afterMs: performance.now() - since }
            : { state: 'failed', error },
        );
      },
    );
    return () => {
      if (current.current === tag) current.current = undefined;
      if (!settled) void client.cancelQuery(tag.id).catch(() => undefined);
    };
  }, deps);

  return {
    result,
    cancel: () => {
      const tag = current.current;
      if (tag) void client.cancelQuery(tag.id).catch(() => undefined);
    },
  };
}
