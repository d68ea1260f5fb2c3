import type { ImportFileSpec } from '../../../shared/app-import';
import type { ImportPreview } from '../../../shared/import';
import { CommitInput } from './DialectFields';
import { overrideOf, withColumn } from './spec-edits';

/** DuckDB types offered when retyping a column (any DuckDB type may be typed in). */
const TYPES = [
  'VARCHAR',
  'DOUBLE',
  'BIGINT',
  'INTEGER',
  'DECIMAL(18,3)',
  'BOOLEAN',
  'DATE',
  'TIMESTAMP WITH TIME ZONE',
  'TIMESTAMP',
  'TIME',
];

/**
 * The file's columns and what becomes of each: its stored name and type (both editable), left
 * out or not, and how it compares with the stored file for a new version.
 */
export function ColumnsTable({
  preview,
  spec,
  onChange,
}: {
  preview: ImportPreview;
  spec: ImportFileSpec;
  onChange(spec: ImportFileSpec): void;
}) {
  const plan = preview.plan;
  const changes = preview.schemaChanges ?? [];
  const missing = changes.filter((c) => c.change === 'missing');
  return (
    <>
      <table className="simple import-columns" aria-label="Columns">
        <thead>
          <tr>
            <th>#</th>
            <th>In the file</th>
            <th>Stored as</th>
            <th>Type</th>
            <th>Skip</th>
            <th>Notes</th>
          </tr>
        </thead>
        <tbody>
          {plan.columns.map((c) => {
            const o = overrideOf(spec, c);
            const change = changes.find((s) => s.column === c.name);
            const notes: string[] = [];
            if (!c.skip && plan.timestamp?.column === c.name)
              notes.push(`event time${plan.timestamp.format ? ` (${plan.timestamp.format})` : ''}`);
            if (!c.skip && c.type !== c.sourceType)
              notes.push(
                plan.format === 'csv' ? `sniffed ${c.sourceType}` : `${c.sourceType} in the file`,
              );
            if (change?.change === 'added') notes.push('new column');
            if (change?.change === 'type') notes.push(`stored as ${change.storedType}`);
            return (
              <tr
                key={c.position}
                data-column={c.source}
                className={`${c.skip ? 'skipped' : ''}${change?.change === 'type' ? ' conflict' : ''}`}
              >
                <td>{c.position}</td>
                <td className="mono source">{c.source}</td>
                <td>
                  <CommitInput
                    label={`Name of column ${c.position}`}
                    value={c.name}
                    title={c.name}
                    disabled={c.skip}
                    onCommit={(v) =>
                      v.trim() !== '' && onChange(withColumn(spec, c, { rename: v }))
                    }
                  />
                </td>
                <td>
                  <div className="column-type">
                    <CommitInput
                      label={`Type of column ${c.position}`}
                      value={c.type}
                      list="import-types"
                      disabled={c.skip}
                      onCommit={(v) =>
                        onChange(
                          withColumn(spec, c, {
                            // Back to what the engine proposes when cleared.
                            type: v.trim() === '' ? undefined : v.trim(),
                          }),
                        )
                      }
                    />
                    {o?.type !== undefined ? (
                      <button
                        className="link"
                        title="Back to the sniffed type"
                        aria-label={`Undo the type of column ${c.position}`}
                        onClick={() => onChange(withColumn(spec, c, { type: undefined }))}
                      >
                        ↺
                      </button>
                    ) : null}
                  </div>
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Skip column ${c.position}`}
                    checked={c.skip}
                    onChange={(e) => onChange(withColumn(spec, c, { skip: e.target.checked }))}
                  />
                </td>
                <td className="muted">{notes.join('; ')}</td>
              </tr>
            );
          })}
          {missing.map((m) => (
            <tr key={`missing-${m.column}`} className="conflict">
              <td />
              <td className="muted">(not in the file)</td>
              <td className="mono">{m.column}</td>
              <td>{m.storedType}</td>
              <td />
              <td>stored, and missing from this file</td>
            </tr>
          ))}
        </tbody>
      </table>
      <datalist id="import-types">
        {TYPES.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
    </>
  );
}
