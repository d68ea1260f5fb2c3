import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { boot } from './client/boot';
import { ErrorBoundary } from './common/ErrorBoundary';
import { useApp } from './state/app-store';

/**
 * Draws the app. The first screen's answers (boot) usually arrived while this code loaded: wait
 * for them, so the first render is the open pond itself rather than "Connecting…" and a second
 * render (index.html shows "Connecting…" meanwhile). A failed boot is shown by App.
 */
export async function mount(): Promise<void> {
  await boot().then(
    (b) => useApp.getState().connected(b),
    () => undefined,
  );
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
