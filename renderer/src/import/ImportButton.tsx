import { useRef, useState } from 'react';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import type { PondClient } from '../../../shared/wire';
import { ErrorView } from '../common/ErrorView';
import { useApp, useAsOfTxn, useClient } from '../state/app-store';
import { useImport } from './import-store';
import { suggestedDirectory } from './suggested-directory';

/**
 * Import… in the toolbar: the desktop app's native file dialog, or the browser's file picker
 * (the files are then uploaded to `pond serve`). The wizard asks which directory, proposing the
 * selected one.
 */
export function ImportButton() {
  const client = useClient();
  const dialogs = useApp((s) => s.app?.dialogs);
  const asOf = useAsOfTxn();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<ErrorInfo>();
  const open = () => {
    setError(undefined);
    if (dialogs) {
      importFromDialog(client).catch((e: unknown) => setError(toErrorInfo(e)));
    } else input.current?.click();
  };
  return (
    <>
      <button
        onClick={open}
        disabled={asOf !== undefined}
        title={asOf !== undefined ? 'Return to the latest transaction to import' : 'Import files'}
      >
        Import…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Files to import"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length > 0)
            useImport.getState().openWizard({ files, suggested: suggestedDirectory() });
        }}
      />
      {error ? <ErrorView error={error} title="Cannot import" /> : null}
    </>
  );
}

/** The desktop app's File > Import… and toolbar button: files chosen in a native dialog. */
export async function importFromDialog(client: PondClient): Promise<void> {
  if (!useApp.getState().pond || useApp.getState().asOf) return;
  const sources = await client.chooseImportFiles();
  if (sources && sources.length > 0)
    useImport.getState().openWizard({ sources, suggested: suggestedDirectory() });
}
