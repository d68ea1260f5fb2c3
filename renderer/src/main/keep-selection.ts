import { useEffect, useRef } from 'react';
import type { PondClient } from '../../../shared/wire';
import { useApp } from '../state/app-store';

/**
 * View as of / Return to latest keep the selected node when its path exists in the other state
 * (looked up in its parent's listing, with the entry as it is there), and drop it otherwise.
 */
export function useSelectionAcrossTime(client: PondClient, pond: string): void {
  const asOf = useApp((s) => s.asOf?.txn);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const selected = useApp.getState().selected;
    if (!selected) return;
    const cut = selected.path.lastIndexOf('/');
    const parent = cut <= 0 ? '/' : selected.path.slice(0, cut);
    let live = true;
    client
      .list({
        pond,
        path: parent,
        offset: 0,
        limit: 1,
        filter: selected.name,
        ...(asOf === undefined ? {} : { asOf }),
      })
      .then(
        (page) => live && useApp.getState().select(page.entries[0]),
        () => live && useApp.getState().select(undefined),
      );
    return () => {
      live = false;
    };
  }, [client, pond, asOf]);
}
