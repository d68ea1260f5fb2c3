import { useEffect } from 'react';
import type { PondClient } from '../../../shared/wire';
import { useApp } from '../state/app-store';
import { useConnection } from '../state/connection';

/**
 * Follows the client's connection, and once a lost server is back, finds the open pond again
 * (a restarted server gives it a new handle) by its folder, keeping what the user was looking at.
 */
export function useReconnect(client: PondClient | undefined): void {
  useEffect(() => {
    if (!client?.onConnection) return;
    return client.onConnection((state) => {
      const was = useConnection.getState().state;
      if (state !== 'connected' || was === 'connected') {
        useConnection.getState().set(state);
        return;
      }
      const shown = useApp.getState().pond;
      const back = shown
        ? client.openPonds().then((open) => {
            const same = open.find((p) => p.path === shown.path);
            if (same) useApp.setState({ pond: same });
            else useApp.getState().openPond(undefined);
          })
        : Promise.resolve();
      void back.catch(() => undefined).finally(() => useConnection.getState().set('connected'));
    });
  }, [client]);
}
