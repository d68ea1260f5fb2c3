import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import type { Table } from 'apache-arrow';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ColumnInfo, DraftNode } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { zoneLabel } from '../common/time-zone';
import { Running, seconds } from '../query/Running';
import { useClient } from '../state/app-store';
import { useView } from '../state/view-settings';
import { cellDisplay } from './cell-display';
import { isInstantType, isNumericType } from './column-kind';
import { MIN_WIDTH, layoutWidths } from './column-widths';
import { catCommand, gridSql } from './grid-sql';
import { GRID_PAGE, PageCache } from './page-cache';
import { PROFILE_HEIGHT, ProfileStrip } from './ProfileStrip';
import { RowDetail } from './RowDetail';
import { useProfiles } from './use-profiles';
import { rowWindow, scrollTopFor } from './scroll-map';
import { MAX_COPY_ROWS, bounds, inRange, toTsv, type CellRange } from './selection';

const ROW_HEIGHT = 24;
const HEADER_HEIGHT = 40;
const ROWNUM_WIDTH = 90;
const NO_ROWS: unknown[] = [];

export interface PreviewSpec {
  pond: string;
  path: string;
  sql?: string;
  asOf?: number;
  /** A factory node being edited, placed uncommitted (the node editor's preview). */
  draft?: DraftNode;
  /** The panel the grid's queries belong to, when not the Data panel's (see QueryTag.slot). */
  slot?: string;
}

/** The preview grid: pages of rows read as they scroll into view, sorted by the engine. */
export function PreviewGrid({
  spec,
  onSortChange,
}: {
  spec: PreviewSpec;
  /** The sort keys as they change (for exporting the result as shown). */
  onSortChange?(sort: { column: string; descending: boolean }[]): void;
}) {
  const client = useClient();
  const zone = useView((s) => s.zone);
  const [sorting, setSorting] = useState<SortingState>([]);
  useEffect(
    () => onSortChange?.(sorting.map((s) => ({ column: s.id, descending: s.desc }))),
    [sorting, onSortChange],
  );
  const cache = useMemo(() => {
    const sort = sorting.map((s) => ({ column: s.id, descending: s.desc }));
    const c = new PageCache(
      (offset, limit, query) =>
        client.preview({
          pond: spec.pond,
          path: spec.path,
          offset,
          limit,
          query,
          ...(spec.sql ? { sql: spec.sql } : {}),
          ...(sort.length ? { sort } : {}),
          ...(spec.asOf === undefined ? {} : { asOf: spec.asOf }),
          ...(spec.draft ? { draft: spec.draft } : {}),
        }),
      (id) => void client.cancelQuery(id).catch(() => undefined),
      spec.slot,
    );
    c.load(0).catch(() => undefined);
    return c;
  }, [client, spec.pond, spec.path, spec.sql, spec.asOf, spec.draft, spec.slot, sorting]);
  useEffect(() => () => cache.dispose(), [cache]);
  useSyncExternalStore(cache.subscribe, cache.getVersion);

  // Keep the columns of the last good answer while a new sort loads.
  const [columns, setColumns] = useState<ColumnInfo[]>([]);
  const shape = cache.shape;
  useEffect(() => {
    if (shape) setColumns(shape.columns);
  }, [shape]);

  const defs = useMemo<ColumnDef<unknown>[]>(
    () =>
      // The rows live in the page cache; the accessor only makes the column sortable.
      columns.map((c) => ({ id: c.name, header: c.name, meta: c, accessorFn: () => null })),
    [columns],
  );
  const table = useReactTable({
    data: NO_ROWS,
    columns: defs,
    state: { sorting },
    onSortingChange: setSorting,
    manualSorting: true,
    sortDescFirst: false,
    enableMultiSort: true,
    getCoreRowModel: getCoreRowModel(),
  });

  const scrollRef = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(400);
  const [width, setWidth] = useState(800);
  const [scrollTop, setScrollTop] = useState(0);
  const [scrollLeft, setScrollLeft] = useState(0);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      setHeight(el.clientHeight);
      setWidth(el.clientWidth);
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setScrollTop(0);
  }, [cache]);

  const [showProfile, setShowProfile] = useState(false);
  const headerHeight = HEADER_HEIGHT + (showProfile ? PROFILE_HEIGHT : 0);
  const total = shape?.totalRows ?? 0;
  const bodyHeight = Math.max(ROW_HEIGHT, height - headerHeight);
  const win = rowWindow(total, ROW_HEIGHT, bodyHeight, scrollTop);

  // Read the pages in view once scrolling pauses briefly (dragging the scrollbar over a 5M-row
  // result must not ask for every page it passes).
  useEffect(() => {
    if (total === 0) return;
    const firstPage = Math.floor(win.first / GRID_PAGE);
    const lastPage = Math.floor((win.first + win.count - 1) / GRID_PAGE);
    const t = setTimeout(() => {
      for (let p = firstPage; p <= lastPage; p++) cache.load(p).catch(() => undefined);
    }, 60);
    return () => clearTimeout(t);
  }, [cache, total, win.first, win.count]);

  const [selection, setSelection] = useState<CellRange>();
  const [note, setNote] = useState<string>();
  const [copyError, setCopyError] = useState<ErrorInfo>();
  useEffect(() => setSelection(undefined), [cache]);

  // Widths the user dragged (by column name), for as long as the grid shows this node or query.
  const [dragged, setDragged] = useState<ReadonlyMap<string, number>>(new Map());
  const widths = layoutWidths(columns, dragged, width - ROWNUM_WIDTH);
  const fullWidth = ROWNUM_WIDTH + widths.reduce((a, b) => a + b, 0);
  const [detailRow, setDetailRow] = useState<number>();
  useEffect(() => setDetailRow(undefined), [cache]);

  // The columns in view, for the profiles (computed lazily, for these only).
  const visibleColumns: string[] = [];
  for (let x = ROWNUM_WIDTH, i = 0; i < columns.length; x += widths[i]!, i++) {
    if (x + widths[i]! > scrollLeft && x < scrollLeft + width)
      visibleColumns.push(columns[i]!.name);
  }
  const sort = sorting.map((s) => ({ column: s.id, descending: s.desc }));
  const profileSpec = useMemo(
    () => ({
      pond: spec.pond,
      path: spec.path,
      ...(spec.sql ? { sql: spec.sql } : {}),
      ...(spec.asOf === undefined ? {} : { asOf: spec.asOf }),
    }),
    [spec.pond, spec.path, spec.sql, spec.asOf],
  );
  const profiles = useProfiles(profileSpec, showProfile, visibleColumns);

  const copySql = async (asCommand: boolean) => {
    const text = gridSql(spec.sql, sort);
    try {
      await navigator.clipboard.writeText(asCommand ? catCommand(spec.path, text) : text);
      setCopyError(undefined);
      setNote(asCommand ? 'Copied the pond cat command' : "Copied the grid's SQL");
    } catch (e) {
      setCopyError(toErrorInfo(e));
    }
  };

  const startResize = (e: React.PointerEvent, name: string, from: number) => {
    e.preventDefault();
    e.stopPropagation();
    const x0 = e.clientX;
    const move = (ev: PointerEvent) =>
      setDragged((d) =>
        new Map(d).set(name, Math.max(MIN_WIDTH, Math.round(from + ev.clientX - x0))),
      );
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  const copy = async (range: CellRange) => {
    const b = bounds(range);
    const rows = b.r1 - b.r0 + 1;
    if (rows > MAX_COPY_ROWS) {
      setNote(`Select at most ${MAX_COPY_ROWS.toLocaleString()} rows to copy (export for more)`);
      return;
    }
    try {
      const out: string[][] = [];
      let page: Table | undefined;
      let pageNo = -1;
      for (let r = b.r0; r <= b.r1; r++) {
        const n = Math.floor(r / GRID_PAGE);
        if (n !== pageNo) {
          page = await cache.load(n);
          pageNo = n;
        }
        const cells: string[] = [];
        for (let c = b.c0; c <= b.c1; c++)
          cells.push(cellDisplay(page!.getChildAt(c)!, r % GRID_PAGE, columns[c]!.type, zone));
        out.push(cells);
      }
      await navigator.clipboard.writeText(toTsv(out));
      setCopyError(undefined);
      setNote(`Copied ${rows} × ${b.c1 - b.c0 + 1} cells as TSV`);
    } catch (e) {
      setCopyError(toErrorInfo(e));
    }
  };

  const jumpTo = (row: number) => {
    const top = scrollTopFor(row, total, ROW_HEIGHT, bodyHeight);
    scrollRef.current?.scrollTo({ top });
    setScrollTop(top);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'c' && selection) {
      e.preventDefault();
      void copy(selection);
    } else if (mod && e.key === 'End') {
      e.preventDefault();
      jumpTo(total);
    } else if (mod && e.key === 'Home') {
      e.preventDefault();
      jumpTo(0);
    } else if (e.key === 'Enter' && selection) {
      e.preventDefault();
      setDetailRow(selection.focus.row);
    } else if (e.key === 'Escape' && detailRow !== undefined) {
      setDetailRow(undefined);
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      const page = Math.floor(bodyHeight / ROW_HEIGHT);
      jumpTo(win.first + (e.key === 'PageDown' ? page : -page));
    }
  };

  const clickCell = (row: number, col: number, shift: boolean) =>
    setSelection((s) =>
      shift && s
        ? { anchor: s.anchor, focus: { row, col } }
        : { anchor: { row, col }, focus: { row, col } },
    );

  const rowsDrawn = [];
  for (let i = 0; i < win.count; i++) {
    const r = win.first + i;
    const page = cache.page(Math.floor(r / GRID_PAGE));
    const at = r % GRID_PAGE;
    rowsDrawn.push(
      <div
        key={r}
        role="row"
        aria-rowindex={r + 2}
        className={`grid-row${r % 2 ? ' odd' : ''}`}
        style={{ top: i * ROW_HEIGHT - win.shift, width: fullWidth }}
      >
        <div
          role="rowheader"
          className={`rownum${detailRow === r ? ' open' : ''}`}
          style={{ width: ROWNUM_WIDTH }}
          onClick={() => setDetailRow(r)}
          title="Show every value of this row"
        >
          {(r + 1).toLocaleString('en-US')}
        </div>
        {columns.map((c, ci) => {
          const text = page ? cellDisplay(page.getChildAt(ci)!, at, c.type, zone) : '…';
          return (
            <div
              key={c.name}
              role="gridcell"
              aria-selected={inRange(selection, r, ci)}
              className={`cell${isNumericType(c.type) ? ' num' : ''}${text === 'NULL' && page ? ' null' : ''}${page ? '' : ' pending'}`}
              style={{ width: widths[ci] }}
              onMouseDown={(e) => {
                if (e.shiftKey) e.preventDefault();
                clickCell(r, ci, e.shiftKey);
              }}
              onDoubleClick={() => setDetailRow(r)}
              title={text}
            >
              {text}
            </div>
          );
        })}
      </div>,
    );
  }

  return (
    <div className="grid">
      <div className="grid-status" aria-live="polite">
        {shape ? (
          <span data-testid="total-rows">{shape.totalRows.toLocaleString('en-US')} rows</span>
        ) : null}
        {shape ? <span> · first page in {Math.round(shape.elapsedMs)} ms</span> : null}
        {cache.runningSince !== undefined ? (
          <Running
            since={cache.runningSince}
            onCancel={() => cache.cancel()}
            quietMs={shape ? 500 : 0}
          />
        ) : cache.cancelledAfterMs !== undefined ? (
          <span className="query-cancelled" data-testid="query-cancelled">
            Query cancelled after {seconds(cache.cancelledAfterMs)}
          </span>
        ) : null}
        {note ? <span className="note"> · {note}</span> : null}
        <span className="spacer" />
        {columns.some((c) => isInstantType(c.type)) ? (
          <span className="muted" data-testid="grid-zone">
            Times in {zoneLabel(zone)}
          </span>
        ) : null}
        <button
          aria-pressed={showProfile}
          onClick={() => setShowProfile((v) => !v)}
          title="Per column: nulls, distinct values, min, max and a histogram, over the whole result"
        >
          Profile
        </button>
        <button
          onClick={() => void copySql(false)}
          title="Copy the SQL this grid shows, with its sort"
        >
          Copy SQL
        </button>
        <button
          onClick={() => void copySql(true)}
          title="Copy a pond cat command that prints these rows as CSV"
        >
          Copy as pond cat
        </button>
      </div>
      {cache.error ? <ErrorView error={cache.error} title="The preview failed" /> : null}
      {copyError ? <ErrorView error={copyError} title="Copying failed" /> : null}
      <div className="grid-main">
        <div
          ref={scrollRef}
          className="grid-scroll"
          role="grid"
          aria-label={`Rows of ${spec.path}`}
          aria-rowcount={total + 1}
          aria-colcount={columns.length + 1}
          tabIndex={0}
          onScroll={(e) => {
            setScrollTop(e.currentTarget.scrollTop);
            setScrollLeft(e.currentTarget.scrollLeft);
          }}
          onKeyDown={onKeyDown}
        >
          <div className="grid-layer" style={{ height, width: fullWidth }}>
            <div
              role="row"
              aria-rowindex={1}
              className="grid-header"
              style={{ height: HEADER_HEIGHT }}
            >
              <div role="columnheader" className="rownum" style={{ width: ROWNUM_WIDTH }}>
                #
              </div>
              {table.getHeaderGroups()[0]?.headers.map((h, ci) => {
                const info = h.column.columnDef.meta as ColumnInfo;
                const sorted = h.column.getIsSorted();
                const tz = isInstantType(info.type) ? ` · ${zone === 'utc' ? 'UTC' : 'local'}` : '';
                return (
                  <div
                    key={h.id}
                    role="columnheader"
                    aria-sort={
                      sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'
                    }
                    className={`col-head${isNumericType(info.type) ? ' num' : ''}`}
                    style={{ width: widths[ci] }}
                    onClick={h.column.getToggleSortingHandler()}
                    title={`${info.name}\n${info.type}${tz ? ` (${zoneLabel(zone)})` : ''}\nClick to sort (shift-click: add a sort key); drag the right edge to resize`}
                  >
                    <span className="col-name">
                      {info.name} {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                    </span>
                    <span className="col-type">
                      {info.type}
                      {tz}
                    </span>
                    <span
                      className="col-resizer"
                      role="separator"
                      aria-orientation="vertical"
                      aria-label={`Resize ${info.name}`}
                      onPointerDown={(e) => startResize(e, info.name, widths[ci]!)}
                      onClick={(e) => e.stopPropagation()}
                    />
                  </div>
                );
              })}
            </div>
            {showProfile ? (
              <ProfileStrip
                names={columns.map((c) => c.name)}
                widths={widths}
                rownumWidth={ROWNUM_WIDTH}
                profiles={profiles}
                zone={zone}
              />
            ) : null}
            <div className="grid-body" style={{ height: bodyHeight }}>
              {rowsDrawn}
            </div>
          </div>
          <div style={{ height: win.scrollRange }} />
        </div>
        {detailRow !== undefined ? (
          <RowDetail
            row={detailRow}
            page={cache.page(Math.floor(detailRow / GRID_PAGE))}
            at={detailRow % GRID_PAGE}
            columns={columns}
            zone={zone}
            onClose={() => setDetailRow(undefined)}
          />
        ) : null}
      </div>
    </div>
  );
}
