import { useState } from 'react';
import type { PondSummary } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { ExportButton } from '../export/ExportButton';
import { ImportButton } from '../import/ImportButton';
import { useApp, useClient, type Theme } from '../state/app-store';
import { ZoneButton } from './ZoneButton';

const NEXT_THEME: Record<Theme, Theme> = { system: 'dark', dark: 'light', light: 'system' };

/** The pond's name and identity, the theme toggle, and closing the pond. */
export function Toolbar({ pond }: { pond: PondSummary }) {
  const client = useClient();
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const openPond = useApp((s) => s.openPond);
  const [error, setError] = useState<ErrorInfo>();
  return (
    <header className="toolbar">
      <span className="pond-name" title={pond.path}>
        {pond.name}
      </span>
      <span className="muted">
        {pond.birthplace} · latest transaction {pond.lastTxn}
      </span>
      <span className="spacer" />
      <ImportButton />
      <ExportButton />
      <ZoneButton />
      <ThemeButton theme={theme} onClick={() => setTheme(NEXT_THEME[theme])} />
      <button
        onClick={() =>
          client.closePond(pond.handle).then(
            () => openPond(undefined),
            (e: unknown) => setError(toErrorInfo(e)),
          )
        }
      >
        Close pond
      </button>
      {error ? <ErrorView error={error} title="Cannot close the pond" /> : null}
    </header>
  );
}

export function ThemeButton({ theme, onClick }: { theme: Theme; onClick(): void }) {
  return (
    <button onClick={onClick} aria-label={`Theme: ${theme} (click to change)`} title="Theme">
      {theme === 'dark' ? '☾ Dark' : theme === 'light' ? '☀ Light' : '◐ System'}
    </button>
  );
}
