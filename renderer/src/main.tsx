import { boot } from './client/boot';
import './styles.css';

// The entry holds only the client: it asks the server for the first screen (the pond and its
// root) at once, while the app's code (React, the views) loads in parallel (index.html preloads
// it), so those round trips are over by the time React draws.
void boot().catch(() => undefined);

import('./mount').then(
  (m) => m.mount(),
  (e: unknown) => {
    // No React to show it with: say it in the page, plainly.
    const root = document.getElementById('root');
    if (root) root.textContent = `Pond could not load its code: ${String(e)}. Reload the page.`;
    throw e;
  },
);
