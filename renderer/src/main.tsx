import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { boot } from './client/boot';
import { ErrorBoundary } from './common/ErrorBoundary';
import './styles.css';

// Ask the server for the first screen (and the pond's root) while React draws.
void boot().catch(() => undefined);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ErrorBoundary what="The app">
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
