import { useEffect, useRef, useState } from 'react';
import { useApp } from '../state/app-store';

/** Seconds with one decimal: "3.2 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A running query's time so far (ticking), the server's time limit, and Cancel (Esc does the
 * same while a query runs). With `quietMs`, it shows only once the query has run that long (so
 * quick page loads while scrolling do not flicker in the status line).
 */
export function Running({
  since,
  onCancel,
  quietMs = 0,
}: {
  since: number;
  onCancel(): void;
  quietMs?: number;
}) {
  const limit = useApp((s) => s.app?.queryTimeLimitMs);
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const t = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(t);
  }, []);
  const cancel = useRef(onCancel);
  cancel.current = onCancel;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') cancel.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [cancel]);
  if (now - since < quietMs) return null;
  return (
    <span className="query-running" role="status">
      Running… <span data-testid="query-elapsed">{seconds(Math.max(0, now - since))}</span>
      {limit !== undefined ? (
        <span className="muted">
          {' '}
          (limit {limit % 1000 === 0 ? `${limit / 1000} s` : seconds(limit)})
        </span>
      ) : null}{' '}
      <button onClick={() => cancel.current()} title="Stop the query (Esc)">
        Cancel
      </button>
    </span>
  );
}
