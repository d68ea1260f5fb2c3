import { create } from 'zustand';
import type { ConnectionState } from '../../../shared/wire';

interface Connection {
  state: ConnectionState;
  /** Counts reconnections: panels keyed by it load again once the server is back. */
  epoch: number;
  set(state: ConnectionState): void;
}

/** Whether `pond serve` answers (always 'connected' in the desktop app). */
export const useConnection = create<Connection>()((set) => ({
  state: 'connected',
  epoch: 0,
  set: (state) =>
    set((s) =>
      s.state === state
        ? s
        : {
            state,
            epoch: state === 'connected' && s.state !== 'connected' ? s.epoch + 1 : s.epoch,
          },
    ),
}));
