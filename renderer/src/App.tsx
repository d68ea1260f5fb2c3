import { lazy, Suspense, useEffect, useState } from 'react';
import { toErrorInfo, type ErrorInfo } from '../../shared/errors';
import { boot } from './client/boot';
import { ErrorView } from './common/ErrorView';
import { undoFromMenu } from './edit/EditDialogs';
import { wizardStartFromSelection } from './export/ExportButton';
import { useExport } from './export/export-store';
import { DropTarget } from './import/DropTarget';
import { importFromDialog } from './import/ImportButton';
import { useImport } from './import/import-store';
import { JobsBar } from './jobs/JobsBar';
import { ConnectionBanner } from './main/ConnectionBanner';
import { useReconnect } from './main/use-reconnect';
import { MainView } from './main/MainView';
import { StartScreen } from './start/StartScreen';
import { useApp } from './state/app-store';

// The wizards are loaded when first opened, so the first paint does not wait for them.
const ExportWizard = lazy(() =>
  import('./export/ExportWizard').then((m) => ({ default: m.ExportWizard })),
);
const ImportWizard = lazy(() =>
  import('./import/ImportWizard').then((m) => ({ default: m.ImportWizard })),
);

/** Connects to the service, then shows the open pond (pond serve opens one) or the start screen. */
export function App() {
  const client = useApp((s) => s.client);
  const pond = useApp((s) => s.pond);
  const theme = useApp((s) => s.theme);
  const wizard = useExport((s) => s.wizard);
  const importing = useImport((s) => s.wizard);
  const importOpened = useImport((s) => s.opened);
  const [error, setError] = useState<ErrorInfo>();
  useReconnect(client);

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);

  // main.tsx connects before the first render; if that failed, its error is shown here.
  useEffect(() => {
    if (!client) boot().then(useApp.getState().connected, (e: unknown) => setError(toErrorInfo(e)));
  }, [client]);

  useEffect(() => {
    if (!client) return;
    const { jobChanged, pondChanged } = useApp.getState();
    const stopJobs = client.onJobEvent(jobChanged);
    // Commits by other processes (the CLI, cron) show up without a reload.
    const stopPonds = client.onPondChanged(pondChanged);
    return () => {
      stopJobs();
      stopPonds();
    };
  }, [client]);

  useEffect(() => {
    if (!client?.onMenuCommand) return;
    return client.onMenuCommand((cmd) => {
      const { openPond } = useApp.getState();
      const current = useApp.getState().pond;
      const run = async () => {
        // Main opened this pond itself (first-run demo, command line, second launch, open-file).
        if (cmd.kind === 'showPond') openPond(cmd.pond);
        else if (cmd.kind === 'showError') setError(cmd.error);
        else if (cmd.kind === 'openDemoPond') openPond(await client.openDemoPond());
        else if (cmd.kind === 'openRecent') openPond(await client.openRecent(cmd.path));
        else if (cmd.kind === 'openPond') {
          const p = await client.openPondDialog();
          if (p) openPond(p);
        } else if (cmd.kind === 'closePond' && current) {
          await client.closePond(current.handle);
          openPond(undefined);
        } else if (cmd.kind === 'createPond') openPond(undefined);
        else if (cmd.kind === 'export' && current)
          useExport.getState().openWizard(wizardStartFromSelection());
        else if (cmd.kind === 'import' && current) await importFromDialog(client);
        else if (cmd.kind === 'undo') undoFromMenu();
      };
      run().catch((e: unknown) => setError(toErrorInfo(e)));
    });
  }, [client]);

  return (
    <div className="app">
      <ConnectionBanner />
      {error ? (
        <div className="app-error">
          <ErrorView error={error} title="Pond" />
          <button onClick={() => setError(undefined)}>Dismiss</button>
        </div>
      ) : null}
      {!client ? (
        error ? null : (
          <p className="muted center">Connecting…</p>
        )
      ) : pond ? (
        <MainView key={pond.path} pond={pond} />
      ) : (
        <StartScreen />
      )}
      {pond && wizard ? (
        <Suspense fallback={null}>
          <ExportWizard key={pond.handle} pond={pond.handle} start={wizard} />
        </Suspense>
      ) : null}
      {pond && importing ? (
        <Suspense fallback={null}>
          <ImportWizard
            key={`${pond.handle}:${importOpened}`}
            pond={pond.handle}
            start={importing}
          />
        </Suspense>
      ) : null}
      {pond ? <DropTarget /> : null}
      <JobsBar />
    </div>
  );
}
