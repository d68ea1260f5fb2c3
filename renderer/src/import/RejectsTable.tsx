import type { ImportPreview } from '../../../shared/import';

/** The rows that cannot be stored as planned: line (as an editor numbers it), column, reason. */
export function RejectsTable({ preview }: { preview: ImportPreview }) {
  if (preview.rejectCount === 0) return null;
  const n = preview.rejectCount;
  return (
    <section className="import-rejects" aria-label="Rejected rows">
      <h3>
        {n.toLocaleString('en-US')} row{n === 1 ? '' : 's'} cannot be read
        {preview.rejects.length < n ? ` (the first ${preview.rejects.length} shown)` : ''}
      </h3>
      <table className="simple">
        <thead>
          <tr>
            <th>Line</th>
            <th>Column</th>
            <th>Reason</th>
            <th>The line</th>
          </tr>
        </thead>
        <tbody>
          {preview.rejects.map((r) => (
            <tr key={`${r.line}:${r.column ?? ''}`} data-line={r.line}>
              <td>{r.line}</td>
              <td className="mono">{r.column ?? ''}</td>
              <td>
                {r.error}: {r.message}
              </td>
              <td className="mono">{r.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
