import './edit.css';
import { lazy, Suspense, useEffect } from 'react';
import { useApp } from '../state/app-store';
import { DeleteDialog } from './DeleteDialog';
import { useEdit } from './edit-store';
import { undo } from './edits';
import { MoveDialog } from './MoveDialog';
import { NewFolderDialog } from './NewFolderDialog';

// CodeMirror and the preview are loaded when the node editor is first opened.
const NodeEditor = lazy(() =>
  import('../nodes/NodeEditor').then((m) => ({ default: m.NodeEditor })),
);

/** The dialog an edit opened (new folder, delete, the node editor), over the main view. */
export function EditDialogs({ pond }: { pond: string }) {
  const dialog = useEdit((s) => s.dialog);
  const close = () => useEdit.getState().openDialog(undefined);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'new-folder':
      return <NewFolderDialog dir={dialog.dir} onClose={close} />;
    case 'delete':
      return <DeleteDialog pond={pond} entry={dialog.entry} onClose={close} />;
    case 'move':
      return <MoveDialog entry={dialog.entry} onClose={close} />;
    case 'new-node':
    case 'edit-node':
      return (
        <Suspense fallback={null}>
          <NodeEditor pond={pond} start={dialog} onClose={close} />
        </Suspense>
      );
  }
}

/** Whether a key press belongs to a text field (its own undo), not to the app. */
export function inTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el &&
    (el.tagName === 'INPUT' ||
      el.tagName === 'TEXTAREA' ||
      el.tagName === 'SELECT' ||
      el.isContentEditable)
  );
}

/**
 * Ctrl+Z (Cmd+Z) outside text fields is the app's Undo: it reverts this window's last
 * transaction. In text fields it stays the field's own undo. Not while a dialog is open. The
 * desktop app's Edit menu owns the shortcut there (`enabled` false): see undoFromMenu.
 */
export function useUndoKey(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'z' || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey)
        return;
      if (inTextField(e.target) || useEdit.getState().dialog || !useApp.getState().pond) return;
      e.preventDefault();
      void undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

/** The desktop app's Edit > Undo: the focused field's undo, or the app's. */
export function undoFromMenu(): void {
  if (inTextField(document.activeElement)) document.execCommand('undo');
  else if (!useEdit.getState().dialog) void undo();
}
