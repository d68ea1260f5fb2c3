import type { Table } from 'apache-arrow';
import type { ColumnInfo } from '../../../shared/api';
import type { Zone } from '../state/view-settings';
import { cellDisplay } from './cell-display';

/** Every value of one row in full (long text and doubles are cut in the grid's cells). */
export function RowDetail({
  row,
  page,
  at,
  columns,
  zone,
  onClose,
}: {
  /** The row's number in the result (0-based). */
  row: number;
  /** The page holding it, or undefined while it loads. */
  page: Table | undefined;
  at: number;
  columns: ColumnInfo[];
  zone: Zone;
  onClose(): void;
}) {
  return (
    <aside className="row-detail" aria-label={`Row ${row + 1}`} data-testid="row-detail">
      <div className="row-detail-head">
        <strong>Row {(row + 1).toLocaleString('en-US')}</strong>
        <button onClick={onClose} aria-label="Close the row">
          ✕
        </button>
      </div>
      {page ? (
        <dl>
          {columns.map((c, i) => (
            <div key={c.name} className="row-detail-item">
              <dt>
                {c.name} <span className="col-type">{c.type}</span>
              </dt>
              <dd className="mono">{cellDisplay(page.getChildAt(i)!, at, c.type, zone)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </aside>
  );
}
