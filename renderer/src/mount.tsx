import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { boot, type Boot } from './client/boot';
import { ErrorBoundary } from './common/ErrorBoundary';
import { useApp } from './state/app-store';

/** How long the first render waits for the first screen's answers before showing "Connecting…". */
const BOOT_WAIT_MS = 100;

/**
 * Draws the app. The first screen's answers (boot) usually arrive while this code loads: the
 * first render waits for them (a little), so it draws the open pond itself at once, not
 * "Connecting…" and then the pond. A slow or failed boot is App's to show.
 */
export async function mount(): Promise<void> {
  let booted: Boot | undefined;
  const answered = boot().then(
    (b) => void (booted = b),
    () => undefined,
  );
  await Promise.race([answered, new Promise((done) => setTimeout(done, BOOT_WAIT_MS))]);
  if (booted) useApp.getState().connected(booted);
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary what="The app">
        <App />
      </ErrorBoundary>
    </StrictMode>,
  );
}
