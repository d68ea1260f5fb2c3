import { useState } from 'react';
import type { TreeEntry } from '../../../shared/api';
import { Dialog } from './Dialog';
import { move } from './edits';
import { parentOf } from './paths';

/**
 * Move to…: the keyboard's way to move an entry (dragging it onto a folder is the mouse's): the
 * folder it goes into, by path. It keeps its name; the folder must exist.
 */
export function MoveDialog({ entry, onClose }: { entry: TreeEntry; onClose(): void }) {
  const [dest, setDest] = useState(parentOf(entry.path));
  const [busy, setBusy] = useState(false);
  const target = dest.trim();
  const ready = target.startsWith('/') && target !== parentOf(entry.path) && !busy;
  const go = async () => {
    setBusy(true);
    const ok = await move([entry.path], target);
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <Dialog
      title={`Move ${entry.path}`}
      onClose={onClose}
      busy={busy}
      footer={
        <>
          <button onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button className="primary" disabled={!ready} onClick={() => void go()}>
            Move
          </button>
        </>
      }
    >
      <label className="field">
        Into the folder
        <input
          aria-label="Destination folder"
          className="mono"
          value={dest}
          onChange={(e) => setDest(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && ready) void go();
          }}
        />
      </label>
    </Dialog>
  );
}
