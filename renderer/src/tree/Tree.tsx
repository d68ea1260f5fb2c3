import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { TreeEntry } from '../../../shared/api';
import { ErrorView } from '../common/ErrorView';
import { RenameField } from '../edit/RenameField';
import { linkTree } from '../edit/tree-link';
import { useTreeEditing, type RowEditing } from '../edit/tree-editing';
import { ProfileBadge } from '../export/ProfileBadge';
import { isProfilePath } from '../export/wizard-settings';
import { useApp, useAsOfTxn, useClient } from '../state/app-store';
import { EntryIcon } from './entry-icon';
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

  // A new model for every filter (the tree is remounted for another pond or time-travel point):
  // its cached pages change with it, but the open directories stay open.
  const previous = useRef<TreeModel | undefined>(undefined);
  const model = useMemo(() => {
    const m = new TreeModel(
      (path, offset, limit) =>
        client.list({
          pond,
          path,
          offset,
          limit,
          keepDirectories: true,
          ...(applied ? { filter: applied } : {}),
          ...(asOf === undefined ? {} : { asOf }),
        }),
      previous.current?.expandedPaths(),
    );
    m.ensurePage('/', 0);
    previous.current = m;
    return m;
    // lastTxn only matters for the latest view (as-of views never change).
  }, [client, pond, asOf, applied, asOf === undefined ? lastTxn : 0]);
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
  const [focus, setFocus] = useState(0);
  const focusIndex = Math.min(focus, Math.max(0, rows.length - 1));

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
                className="tree-row-slot"
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
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
    return (
      <div id={id} role="treeitem" aria-level={row.depth + 1} className="tree-row" style={indent}>
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
