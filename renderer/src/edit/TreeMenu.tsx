import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TreeEntry } from '../../../shared/api';
import { useEdit } from './edit-store';
import { parentOf } from './paths';

export interface MenuTarget {
  x: number;
  y: number;
  /** The row's entry; undefined: the tree's background (the pond's root). */
  entry: TreeEntry | undefined;
  /** The entry is computed by its parent (a derived or mounted folder): it cannot change. */
  generated: boolean;
  /** Why nothing can change here (time travel), if so. */
  readOnly: string | undefined;
}

interface Item {
  label: string;
  keys?: string;
  disabled?: string;
  run(): void;
}

/**
 * The tree's context menu (right click, the Menu key or Shift+F10): New folder, New derived
 * node, Rename (F2), Move to… (or drag), Edit derived node, Delete (Del). Items that cannot
 * apply say why.
 */
export function TreeMenu({ target, onClose }: { target: MenuTarget; onClose(): void }) {
  const { openDialog, rename } = useEdit.getState();
  const menu = useRef<HTMLDivElement>(null);
  // Kept inside the window (a menu opened near the bottom or the right edge opens up or left).
  const [at, setAt] = useState({ left: target.x, top: target.y });
  useLayoutEffect(() => {
    const box = menu.current!.getBoundingClientRect();
    setAt({
      left: Math.max(0, Math.min(target.x, window.innerWidth - box.width - 4)),
      top: Math.max(0, Math.min(target.y, window.innerHeight - box.height - 4)),
    });
  }, [target.x, target.y]);
  const e = target.entry;
  const dir = !e ? '/' : e.kind === 'directory' && !e.factory ? e.path : parentOf(e.path);
  const fixed =
    target.readOnly ?? (target.generated ? `${e?.path} is computed by its folder` : undefined);
  // A derived or mounted folder computes its entries: nothing can be made in it.
  const inDerived =
    e?.factory !== undefined && e.kind === 'directory' ? `${e.path} is computed` : undefined;
  const items: Item[] = [
    {
      label: 'New folder…',
      disabled: fixed ?? inDerived,
      run: () => openDialog({ kind: 'new-folder', dir }),
    },
    {
      label: 'New derived node…',
      disabled: fixed ?? inDerived,
      run: () => openDialog({ kind: 'new-node', dir }),
    },
  ];
  if (e) {
    items.push({ label: 'Rename', keys: 'F2', disabled: fixed, run: () => rename(e.path) });
    items.push({
      label: 'Move to…',
      keys: 'drag',
      disabled: fixed,
      run: () => openDialog({ kind: 'move', entry: e }),
    });
    if (e.factory && !target.generated) {
      items.push({
        label: 'Edit derived node…',
        disabled: target.readOnly,
        run: () => openDialog({ kind: 'edit-node', path: e.path }),
      });
    }
    items.push({
      label: 'Delete…',
      keys: 'Del',
      disabled: fixed,
      run: () => openDialog({ kind: 'delete', entry: e }),
    });
  }

  useEffect(() => {
    menu.current
      ?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')
      ?.focus();
    const away = (ev: MouseEvent) => {
      if (!menu.current?.contains(ev.target as Node)) onClose();
    };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [onClose]);

  const onKeyDown = (ev: React.KeyboardEvent) => {
    ev.stopPropagation();
    const all = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    if (ev.key === 'Escape') onClose();
    else if (ev.key === 'ArrowDown') all[(at + 1) % all.length]?.focus();
    else if (ev.key === 'ArrowUp') all[(at - 1 + all.length) % all.length]?.focus();
    else return;
    ev.preventDefault();
  };

  return (
    <div
      ref={menu}
      className="context-menu"
      role="menu"
      aria-label={e ? `Actions on ${e.path}` : 'Actions on the pond'}
      style={at}
      onKeyDown={onKeyDown}
    >
      {items.map((i) => (
        <div
          key={i.label}
          role="menuitem"
          tabIndex={-1}
          aria-disabled={i.disabled ? true : undefined}
          title={i.disabled}
          className="context-item"
          onClick={() => {
            if (i.disabled) return;
            onClose();
            i.run();
          }}
          onKeyDown={(ev) => {
            if ((ev.key === 'Enter' || ev.key === ' ') && !i.disabled) {
              ev.preventDefault();
              onClose();
              i.run();
            }
          }}
        >
          <span>{i.label}</span>
          {i.keys ? <span className="context-keys">{i.keys}</span> : null}
        </div>
      ))}
    </div>
  );
}
