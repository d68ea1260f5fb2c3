import { useEffect, useState } from 'react';
import { useConnection } from '../state/connection';

/**
 * The one place that says the server is gone (each panel's own calls then wait quietly): it
 * counts the time since, and goes away by itself when the server answers again.
 */
export function ConnectionBanner() {
  const state = useConnection((s) => s.state);
  const [since, setSince] = useState<number>();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (state === 'connected') {
      setSince(undefined);
      return;
    }
    setSince((s) => s ?? Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [state]);
  if (state === 'connected') return null;
  const secs = since === undefined ? 0 : Math.max(0, Math.round((now - since) / 1000));
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      {state === 'lost' ? (
        <>
          <strong>The connection to pond serve is lost</strong> ({secs} s). Reconnecting when it is
          back…
        </>
      ) : (
        <>
          <strong>pond serve was restarted with a new token.</strong> Open the URL it printed
          (http://127.0.0.1:PORT/?token=...).
        </>
      )}
    </div>
  );
}
