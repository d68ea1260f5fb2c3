import type { ImportPreview, PreviewCell } from '../../../shared/import';

/** The first rows exactly as they will be stored (times in ISO-8601 UTC). */
export function PreviewRows({ preview }: { preview: ImportPreview }) {
  return (
    <div className="import-rows">
      <table className="simple" aria-label="Rows as stored">
        <thead>
          <tr>
            {preview.columns.map((c) => (
              <th key={c.name} title={c.type}>
                {c.name}
                <span className="muted"> {c.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j} className={cell === null ? 'null' : undefined}>
                  {cellText(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function cellText(v: PreviewCell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
