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
import { Running, seconds } from '../query/Running';
import { useClient } from '../state/app-store';
import { cellText } from './cell-text';
import { GRID_PAGE, PageCache } from './page-cache';
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

function columnWidth(c: ColumnInfo): number {
  if (/TIMESTAMP/.test(c.type)) return 240;
  if (c.type === 'VARCHAR') return 220;
  return 150;
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
  const [scrollTop, setScrollTop] = useState(0);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setScrollTop(0);
  }, [cache]);

  const total = shape?.totalRows ?? 0;
  const bodyHeight = Math.max(ROW_HEIGHT, height - HEADER_HEIGHT);
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

  const widths = columns.map(columnWidth);
  const fullWidth = ROWNUM_WIDTH + widths.reduce((a, b) => a + b, 0);

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
          cells.push(cellText(page!.getChildAt(c)!, r % GRID_PAGE));
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
        <div role="rowheader" className="rownum" style={{ width: ROWNUM_WIDTH }}>
          {(r + 1).toLocaleString('en-US')}
        </div>
        {columns.map((c, ci) => {
          const text = page ? cellText(page.getChildAt(ci)!, at) : '…';
          return (
            <div
              key={c.name}
              role="gridcell"
              aria-selected={inRange(selection, r, ci)}
              className={`cell${text === 'NULL' && page ? ' null' : ''}${page ? '' : ' pending'}`}
              style={{ width: widths[ci] }}
              onMouseDown={(e) => {
                if (e.shiftKey) e.preventDefault();
                clickCell(r, ci, e.shiftKey);
              }}
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
      </div>
      {cache.error ? <ErrorView error={cache.error} title="The preview failed" /> : null}
      {copyError ? <ErrorView error={copyError} title="Copying failed" /> : null}
      <div
        ref={scrollRef}
        className="grid-scroll"
        role="grid"
        aria-label={`Rows of ${spec.path}`}
        aria-rowcount={total + 1}
        aria-colcount={columns.length + 1}
        tabIndex={0}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
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
              return (
                <div
                  key={h.id}
                  role="columnheader"
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'
                  }
                  className="col-head"
                  style={{ width: widths[ci] }}
                  onClick={h.column.getToggleSortingHandler()}
                  title="Click to sort (shift-click: add a sort key)"
                >
                  <span className="col-name">
                    {info.name} {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                  </span>
                  <span className="col-type">{info.type}</span>
                </div>
              );
            })}
          </div>
          <div className="grid-body" style={{ height: bodyHeight }}>
            {rowsDrawn}
          </div>
        </div>
        <div style={{ height: win.scrollRange }} />
      </div>
    </div>
  );
}
