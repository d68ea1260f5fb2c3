import type { TreeEntry } from '../../../shared/api';
import { ErrorView } from '../common/ErrorView';
import { useAsync } from '../common/use-async';
import { useClient } from '../state/app-store';
import { Dialog } from './Dialog';
import { remove } from './edits';
import { useState } from 'react';

/**
 * Delete…: says that the entry can be brought back from History (a delete is a transaction; the
 * versions stay), what a folder takes with it, and which derived nodes read what goes.
 */
export function DeleteDialog({
  pond,
  entry,
  onClose,
}: {
  pond: string;
  entry: TreeEntry;
  onClose(): void;
}) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const dir = entry.kind === 'directory' && !entry.factory;
  const readers = useAsync(
    () => client.readersOf({ pond, paths: [entry.path] }),
    [client, pond, entry.path],
  );
  const go = async () => {
    setBusy(true);
    const ok = await remove(entry.path, dir);
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <Dialog
      title={`Delete ${entry.path}?`}
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <button onClick={onClose} disabled={busy} data-autofocus>
            Cancel
          </button>
          <button className="primary danger" disabled={busy} onClick={() => void go()}>
            Delete
          </button>
        </>
      }
    >
      <p>
        {dir ? `${entry.path} and everything in it` : entry.path} will leave the tree. Nothing is
        lost: its versions stay in the pond, and History can bring it back (Restore, or Revert the
        transaction), as can Undo (Ctrl+Z).
      </p>
      {entry.factory ? (
        <p className="muted">
          It is a {entry.factory} node: its config goes, not the data it reads.
        </p>
      ) : null}
      {readers.state === 'failed' ? (
        <ErrorView error={readers.error} title="Cannot tell which derived nodes read it" />
      ) : null}
      {readers.state === 'done' && readers.value.readers.length > 0 ? (
        <div className="note" role="note" data-testid="delete-readers">
          Derived nodes read it and will no longer find it (their configs are not changed):
          <ul>
            {readers.value.readers.map((r) => (
              <li key={r.path}>
                <span className="mono">{r.path}</span> ({r.factory}) reads {r.reads.join(', ')}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Dialog>
  );
}
