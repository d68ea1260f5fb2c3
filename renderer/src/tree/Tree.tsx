import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { TreeEntry } from '../../../shared/api';
import { ErrorView } from '../common/ErrorView';
import { RenameField } from '../edit/RenameField';
import { linkTree } from '../edit/tree-link';
import { useTreeEditing, type RowEditing } from '../edit/tree-editing';
import { ProfileBadge } from '../export/ProfileBadge';
import { isProfilePath } from '../export/wizard-settings';
import { bootListing } from '../client/boot';
import { useApp, useAsOfTxn, useClient } from '../state/app-store';
import { useConnection } from '../state/connection';
import { EntryIcon } from './entry-icon';
import { nameGlob } from './name-glob';
import { TREE_PAGE, TreeModel, type TreeRow } from './tree-model';
import { treeKeyAction } from './tree-keys';

const ROW_HEIGHT = 24;

/** The pond's tree: lazy per directory, paged as rows scroll into view, virtualized. */
export function Tree({ pond }: { pond: string }) {
  const client = useClient();
  const asOf = useAsOfTxn();
  const selected = useApp((s) => s.selected);
  // The app's own writes (a saved export profile) show up: the pages are read again.
  const lastTxn = useApp((s) => s.pond?.lastTxn);
  const select = useApp((s) => s.select);
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  const epoch = useConnection((s) => s.epoch);

  // A new model for every filter, pond and time-travel point (and after a reconnection): its
  // cached pages change with it, but the open directories stay open. A filter searches the
  // whole tree and opens the way to every match.
  const previous = useRef<TreeModel | undefined>(undefined);
  const model = useMemo(() => {
    const m = new TreeModel(
      (path, offset, limit) => {
        const req = {
          pond,
          path,
          offset,
          limit,
          ...(applied ? { filter: applied, deep: true } : {}),
          ...(asOf === undefined ? {} : { asOf }),
        };
        return bootListing(req) ?? client.list(req);
      },
      previous.current?.expandedPaths(),
      applied ? { isMatch: nameGlob(applied) } : undefined,
    );
    m.ensurePage('/', 0);
    previous.current = m;
    return m;
    // lastTxn only matters for the latest view (as-of views never change).
  }, [client, pond, asOf, applied, epoch, asOf === undefined ? lastTxn : 0]);
  useEffect(() => () => model.dispose(), [model]);
  // Edits keep the tree in step (a renamed folder stays open).
  useEffect(() => linkTree(model), [model]);

  // Debounce typing so each keystroke does not relist every open directory.
  useEffect(() => {
    const t = setTimeout(() => setApplied(filter.trim()), 250);
    return () => clearTimeout(t);
  }, [filter]);

  useSyncExternalStore(model.subscribe, model.getVersion);
  const rows = model.visibleRows();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    // Rows are measured: an error row is as tall as its message.
    measureElement: (el) => el.getBoundingClientRect().height,
  });
  const items = virtualizer.getVirtualItems();

  // Read the pages of the rows in view (and only those).
  useEffect(() => {
    for (const item of items) {
      const row = rows[item.index];
      if (row?.type === 'pending') model.ensurePage(row.dir, Math.floor(row.index / TREE_PAGE));
    }
  });

  const editing = useTreeEditing(rows);
  // The focused row is kept by path: rows that appear above it (an edit, a listing) do not move
  // the keyboard's F2 and Del onto another entry.
  const [focus, setFocusState] = useState<{ index: number; path?: string }>({ index: 0 });
  const setFocus = (index: number) => {
    const r = rows[index];
    setFocusState({ index, ...(r?.type === 'entry' ? { path: r.entry.path } : {}) });
  };
  const focusIndex = focusedIndex(rows, focus);
  // A selection made elsewhere (an edit, an import, History) takes the keyboard's focus once
  // its row is listed.
  const follow = useRef<string | undefined>(undefined);
  useEffect(() => {
    follow.current = selected?.path;
  }, [selected?.path]);
  useEffect(() => {
    const path = follow.current;
    if (path === undefined) return;
    const i = rows.findIndex((r) => r.type === 'entry' && r.entry.path === path);
    if (i < 0) return;
    follow.current = undefined;
    if (i !== focusIndex) setFocus(i);
  });

  // A node the app just made (an import): open its folders, then scroll to it once it is listed.
  const revealPath = useApp((s) => s.revealPath);
  useEffect(() => {
    if (!revealPath || asOf !== undefined) return;
    const parts = revealPath.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) model.expand('/' + parts.slice(0, i).join('/'));
  }, [model, revealPath, asOf]);
  useEffect(() => {
    if (!revealPath) return;
    const i = rows.findIndex((r) => r.type === 'entry' && r.entry.path === revealPath);
    if (i < 0) return;
    setFocus(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
    useApp.getState().reveal(undefined);
  });

  const activate = (row: TreeRow | undefined) => {
    if (row?.type !== 'entry') return;
    select(row.entry);
    if (row.entry.kind === 'directory') model.toggle(row.entry.path);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const at = document.getElementById(`tree-row-${focusIndex}`);
    if (editing.onKey(e.key, e.shiftKey, rows[focusIndex], at)) {
      e.preventDefault();
      return;
    }
    const action = treeKeyAction(e.key, rows, focusIndex, model);
    if (!action) return;
    e.preventDefault();
    if (action.kind === 'focus') {
      setFocus(action.index);
      virtualizer.scrollToIndex(action.index, { align: 'auto' });
    } else if (action.kind === 'expand') model.expand(action.path);
    else if (action.kind === 'collapse') model.collapse(action.path);
    else if (action.kind === 'activate') activate(rows[focusIndex]);
  };

  return (
    <div className="tree-pane">
      <input
        className="tree-filter"
        type="search"
        placeholder="Filter names, e.g. *.series"
        aria-label="Filter the tree"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <FilterState model={model} filter={applied} />
      <div
        ref={scrollRef}
        className={`tree-scroll${editing.rootDropTarget ? ' drop-target' : ''}`}
        role="tree"
        aria-label="Pond tree"
        tabIndex={0}
        aria-activedescendant={rows.length > 0 ? `tree-row-${focusIndex}` : undefined}
        onKeyDown={onKeyDown}
        {...editing.background}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                className="tree-row-slot"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <Row
                  row={row}
                  id={`tree-row-${item.index}`}
                  focused={item.index === focusIndex}
                  selected={row.type === 'entry' && row.entry.path === selected?.path}
                  expanded={row.type === 'entry' ? model.isExpanded(row.entry.path) : false}
                  onClick={() => {
                    setFocus(item.index);
                    activate(row);
                  }}
                  editing={editing.row(row)}
                  onEdited={() => scrollRef.current?.focus()}
                />
              </div>
            );
          })}
        </div>
      </div>
      {editing.menuElement}
    </div>
  );
}

/** The focused row's index now: where its path is listed, else the last index (bounded). */
function focusedIndex(rows: TreeRow[], focus: { index: number; path?: string }): number {
  const at = rows[focus.index];
  if (focus.path === undefined || (at?.type === 'entry' && at.entry.path === focus.path))
    return Math.min(focus.index, Math.max(0, rows.length - 1));
  const moved = rows.findIndex((r) => r.type === 'entry' && r.entry.path === focus.path);
  return moved >= 0 ? moved : Math.min(focus.index, Math.max(0, rows.length - 1));
}

/** Under the filter box: that nothing matches, or why the tree cannot be listed (wrapped). */
function FilterState({ model, filter }: { model: TreeModel; filter: string }) {
  const error = model.rootError();
  if (error) {
    return (
      <div className="tree-filter-error">
        <ErrorView
          error={error}
          title={filter ? `cannot filter by '${filter}'` : 'cannot list /'}
        />
      </div>
    );
  }
  if (filter && model.rootTotal() === 0) {
    return (
      <p className="tree-no-match" role="status">
        No names match <code>{filter}</code>
      </p>
    );
  }
  if (filter && model.rootTotal() !== undefined) {
    return (
      <p className="tree-filter-note muted" role="status">
        Showing the names that match <code>{filter}</code> and the folders that hold them
      </p>
    );
  }
  return null;
}

interface RowProps {
  row: TreeRow;
  id: string;
  focused: boolean;
  selected: boolean;
  expanded: boolean;
  onClick(): void;
  editing: RowEditing | undefined;
  onEdited(): void;
}

function Row({ row, id, focused, selected, expanded, onClick, editing, onEdited }: RowProps) {
  const indent = { paddingLeft: 8 + row.depth * 16 };
  if (row.type === 'error') {
    // The root's error is shown under the filter box.
    if (row.dir === '/') return <div id={id} role="none" />;
    return (
      <div
        id={id}
        role="treeitem"
        aria-level={row.depth + 1}
        className="tree-row tree-row-error"
        style={indent}
      >
        <ErrorView error={row.error} title={`cannot list ${row.dir}`} />
      </div>
    );
  }
  if (row.type === 'pending') {
    return (
      <div
        id={id}
        role="treeitem"
        aria-level={row.depth + 1}
        aria-busy="true"
        className="tree-row pending"
        style={indent}
      >
        …
      </div>
    );
  }
  const e: TreeEntry = row.entry;
  const dir = e.kind === 'directory';
  return (
    <div
      id={id}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-setsize={row.total}
      aria-posinset={row.index + 1}
      aria-selected={selected}
      aria-expanded={dir ? expanded : undefined}
      data-path={e.path}
      data-kind={e.kind}
      className={`tree-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${editing?.dropTarget ? ' drop-target' : ''}`}
      style={indent}
      onClick={onClick}
      title={e.factory ? `${e.path} (made by the ${e.factory} factory)` : e.path}
      draggable={editing?.draggable}
      onContextMenu={editing?.onContextMenu}
      onDragStart={editing?.onDragStart}
      onDragEnd={editing?.onDragEnd}
      onDragOver={editing?.onDragOver}
      onDragLeave={editing?.onDragLeave}
      onDrop={editing?.onDrop}
    >
      <span className="chevron" aria-hidden="true">
        {dir ? (expanded ? '▾' : '▸') : ''}
      </span>
      <EntryIcon kind={e.kind} />
      {editing?.renaming ? (
        <RenameField path={e.path} onDone={onEdited} />
      ) : (
        <span className="name">{e.name}</span>
      )}
      {e.factory ? (
        <span className="derived" aria-label={`derived by ${e.factory}`}>
          ƒ {e.factory}
        </span>
      ) : null}
      {e.kind === 'symlink' && e.target ? <span className="target">→ {e.target}</span> : null}
      {e.kind === 'data' && isProfilePath(e.path) ? <ProfileBadge path={e.path} /> : null}
    </div>
  );
}
