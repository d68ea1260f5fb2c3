import { useState } from 'react';
import { Dialog } from './Dialog';
import { makeFolder } from './edits';
import { childPath } from './paths';

/** New folder…: a name in the folder the menu was opened on; one transaction. */
export function NewFolderDialog({ dir, onClose }: { dir: string; onClose(): void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const make = async () => {
    setBusy(true);
    const ok = await makeFolder(dir, name.trim());
    setBusy(false);
    if (ok) onClose();
  };
  const ready = name.trim() !== '' && !busy;
  return (
    <Dialog
      title="New folder"
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <button onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button className="primary" disabled={!ready} onClick={() => void make()}>
            Make folder
          </button>
        </>
      }
    >
      <label className="field">
        Name of the new folder in {dir}
        <input
          aria-label="Folder name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && ready) void make();
          }}
        />
      </label>
      {name.trim() ? <p className="muted mono">{childPath(dir, name.trim())}</p> : null}
    </Dialog>
  );
}
