import { useCallback, useMemo, useState, type DragEvent, type ReactNode } from 'react';
import type { TreeEntry } from '../../../shared/api';
import { useApp } from '../state/app-store';
import type { TreeRow } from '../tree/tree-model';
import { useEdit } from './edit-store';
import { move } from './edits';
import { parentOf } from './paths';
import { endDrag, internalDrop, startDrag } from './tree-drag';
import { TreeMenu, type MenuTarget } from './TreeMenu';

/** What a tree row gets from editing: its menu, drag and drop, the rename field's state. */
export interface RowEditing {
  renaming: boolean;
  dropTarget: boolean;
  draggable: boolean;
  onContextMenu(e: React.MouseEvent): void;
  onDragStart(e: DragEvent): void;
  onDragEnd(): void;
  onDragOver(e: DragEvent): void;
  onDragLeave(): void;
  onDrop(e: DragEvent): void;
}

/**
 * Editing in the tree: the context menu, F2 (rename in place), Del (delete), the Menu key and
 * Shift+F10, and moving entries by dragging them onto a folder (or the tree's background, the
 * root). Nothing changes in a view as of an earlier transaction, and entries a derived or
 * mounted folder computes cannot be renamed, moved or deleted.
 */
export function useTreeEditing(rows: TreeRow[]) {
  const asOf = useApp((s) => s.asOf);
  const renaming = useEdit((s) => s.renaming);
  const [menu, setMenu] = useState<MenuTarget>();
  const [over, setOver] = useState<string>();
  const readOnly = asOf ? `the pond is shown as of transaction ${asOf.txn} (read-only)` : undefined;

  // Folders computed by a factory: what they hold is theirs.
  const derived = useMemo(
    () =>
      new Set(
        rows.flatMap((r) =>
          r.type === 'entry' && r.entry.factory && r.entry.kind === 'directory'
            ? [r.entry.path]
            : [],
        ),
      ),
    [rows],
  );
  const generated = useCallback(
    (e: TreeEntry) => {
      for (let p = parentOf(e.path); p !== '/'; p = parentOf(p)) if (derived.has(p)) return true;
      return false;
    },
    [derived],
  );
  const fixed = (e: TreeEntry) => readOnly !== undefined || generated(e);
  const dropDir = (e: TreeEntry | undefined) =>
    !e ? '/' : e.kind === 'directory' && !e.factory && !fixed(e) ? e.path : undefined;

  const openMenu = (x: number, y: number, entry: TreeEntry | undefined) =>
    setMenu({ x, y, entry, generated: entry ? generated(entry) : false, readOnly });

  const drop = (entry: TreeEntry | undefined) => ({
    onDragOver: (e: DragEvent) => {
      const dir = dropDir(entry);
      if (dir === undefined || readOnly || !internalDrop(e, dir)) return;
      e.preventDefault();
      e.stopPropagation();
      e.dataTransfer.dropEffect = 'move';
      setOver(dir);
    },
    onDragLeave: () => setOver(undefined),
    onDrop: (e: DragEvent) => {
      const dir = dropDir(entry);
      const source = dir === undefined || readOnly ? undefined : internalDrop(e, dir);
      setOver(undefined);
      if (!source || dir === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      endDrag();
      void move([source], dir);
    },
  });

  const row = (r: TreeRow): RowEditing | undefined => {
    if (r.type !== 'entry') return undefined;
    const e = r.entry;
    return {
      renaming: renaming === e.path,
      dropTarget: over === e.path,
      draggable: !fixed(e) && renaming !== e.path,
      onContextMenu: (ev) => {
        ev.preventDefault();
        ev.stopPropagation();
        openMenu(ev.clientX, ev.clientY, e);
      },
      onDragStart: (ev) => startDrag(ev, e.path),
      onDragEnd: () => {
        endDrag();
        setOver(undefined);
      },
      ...drop(e),
    };
  };

  /** Keys on the focused row; true when the key was an editing key. */
  const onKey = (key: string, shift: boolean, r: TreeRow | undefined, at: HTMLElement | null) => {
    const e = r?.type === 'entry' ? r.entry : undefined;
    if (key === 'ContextMenu' || (key === 'F10' && shift)) {
      const box = at?.getBoundingClientRect();
      openMenu(box ? box.left + 24 : 40, box ? box.bottom : 40, e);
      return true;
    }
    if (!e || fixed(e)) return key === 'F2' || key === 'Delete';
    if (key === 'F2') {
      useEdit.getState().rename(e.path);
      return true;
    }
    if (key === 'Delete') {
      useEdit.getState().openDialog({ kind: 'delete', entry: e });
      return true;
    }
    return false;
  };

  const background = {
    onContextMenu: (ev: React.MouseEvent) => {
      ev.preventDefault();
      openMenu(ev.clientX, ev.clientY, undefined);
    },
    ...drop(undefined),
  };

  const closeMenu = useCallback(() => {
    setMenu(undefined);
    document.querySelector<HTMLElement>('[role="tree"]')?.focus();
  }, []);
  const menuElement: ReactNode = menu ? <TreeMenu target={menu} onClose={closeMenu} /> : null;

  return { row, onKey, background, menuElement, rootDropTarget: over === '/' };
}
