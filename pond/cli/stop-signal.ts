import { printErr } from './output.js';

export interface StopSignal {
  /** Aborts at the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** Resolves at the first SIGINT or SIGTERM. */
  readonly requested: Promise<void>;
  /** Removes the handlers (the command is done). */
  dispose(): void;
}

/**
 * SIGINT and SIGTERM as a request to stop: the first lets a long-running command (`pond serve`)
 * cancel its work and close its ponds, and exit 0; a second one, should that hang, exits at once.
 */
export function stopSignal(what: string): StopSignal {
  const controller = new AbortController();
  let resolveRequested!: () => void;
  const requested = new Promise<void>((resolve) => (resolveRequested = resolve));
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      printErr(`${what}: ${name} again: stopping at once`);
      process.exit(1);
    }
    printErr(`${what}: ${name}: stopping (cancelling what runs, closing the ponds)`);
    controller.abort();
    resolveRequested();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    requested,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
