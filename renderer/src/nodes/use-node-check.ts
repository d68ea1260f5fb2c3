import { useEffect, useState } from 'react';
import type { DraftNode, NodeCheck } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { queryTag } from '../query/query-tag';
import { useClient } from '../state/app-store';

export type CheckState =
  | { state: 'idle' }
  | { state: 'checking'; draft: DraftNode }
  | { state: 'done'; draft: DraftNode; check: NodeCheck }
  | { state: 'failed'; draft: DraftNode; error: ErrorInfo };

/** Typing pauses this long before the engine checks the draft. */
const PAUSE_MS = 300;

/**
 * The engine's check of a draft as it is typed (mknod's checks, nothing written): after a short
 * pause, and the check of an older draft still running is stopped in the engine.
 */
export function useNodeCheck(pond: string, draft: DraftNode | undefined): CheckState {
  const client = useClient();
  const [state, setState] = useState<CheckState>({ state: 'idle' });
  const key = draft ? JSON.stringify(draft) : '';

  useEffect(() => {
    if (!draft) {
      setState({ state: 'idle' });
      return;
    }
    let live = true;
    let running: string | undefined;
    const timer = setTimeout(() => {
      const query = queryTag('node-check');
      running = query.id;
      setState({ state: 'checking', draft });
      client.checkNode({ pond, draft, query }).then(
        (check) => {
          running = undefined;
          if (live) setState({ state: 'done', draft, check });
        },
        (e: unknown) => {
          running = undefined;
          if (live) setState({ state: 'failed', draft, error: toErrorInfo(e) });
        },
      );
    }, PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
      if (running) void client.cancelQuery(running).catch(() => undefined);
    };
    // The draft's content, not its identity.
  }, [client, pond, key]);

  return state;
}
