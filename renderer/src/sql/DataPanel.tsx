import { lazy, Suspense, useEffect, useState } from 'react';
import { ExportResultButton } from '../export/ExportResultButton';
import { PreviewGrid } from '../grid/PreviewGrid';
import { useApp } from '../state/app-store';
import { keepNodeQuery, nodeQuery } from './node-queries';
import { loadQueryHistory, rememberQuery } from './query-history';

// CodeMirror is loaded with the first Data panel, so the first paint does not wait for it.
const SqlEditor = lazy(() => import('./SqlEditor').then((m) => ({ default: m.SqlEditor })));

const DEFAULT_SQL = 'SELECT * FROM source';

/**
 * The selected node's rows, optionally through the user's SQL over `source`. Each node keeps its
 * own query for the tab (node-queries.ts): another node opens on its own rows.
 */
export function DataPanel({ pond, path, asOf }: { pond: string; path: string; asOf?: number }) {
  const pondPath = useApp((s) => s.pond?.path ?? '');
  const kept = nodeQuery(pondPath, path);
  const [text, setText] = useState(kept?.text ?? DEFAULT_SQL);
  const [ran, setRan] = useState<string | undefined>(kept?.ran);
  useEffect(() => keepNodeQuery(pondPath, path, { text, ran }), [pondPath, path, text, ran]);
  // Counts runs, so running the same SQL again (after a cancel, say) runs it again.
  const [runs, setRuns] = useState(0);
  const [editorKey, setEditorKey] = useState(0);
  const [history, setHistory] = useState(() => loadQueryHistory(pondPath));
  const [sort, setSort] = useState<{ column: string; descending: boolean }[]>([]);

  const run = (sql: string) => {
    const q = sql.trim();
    setRan(q === '' || q === DEFAULT_SQL ? undefined : q);
    setRuns((n) => n + 1);
    if (q !== '') setHistory(rememberQuery(pondPath, q));
  };

  return (
    <div className="data-panel">
      <div className="sql-box">
        <Suspense fallback={<div className="sql-editor" />}>
          <SqlEditor key={editorKey} initial={text} onChange={setText} onRun={run} />
        </Suspense>
        <div className="sql-actions">
          <button onClick={() => run(text)} title="Run (Ctrl+Enter)">
            Run ⌃⏎
          </button>
          <button
            onClick={() => {
              setText(DEFAULT_SQL);
              setEditorKey((k) => k + 1);
              setRan(undefined);
              setRuns((n) => n + 1);
            }}
          >
            Reset
          </button>
          <select
            aria-label="Query history"
            value=""
            onChange={(e) => {
              if (!e.target.value) return;
              setText(e.target.value);
              setEditorKey((k) => k + 1);
            }}
          >
            <option value="">History ({history.length})</option>
            {history.map((q) => (
              <option key={q} value={q}>
                {q.length > 80 ? q.slice(0, 80) + '…' : q}
              </option>
            ))}
          </select>
          <ExportResultButton
            spec={{
              pond,
              path,
              sort,
              ...(ran ? { sql: ran } : {}),
              ...(asOf === undefined ? {} : { asOf }),
            }}
          />
        </div>
      </div>
      <PreviewGrid
        key={`${path}\n${ran ?? ''}\n${asOf ?? ''}\n${runs}`}
        spec={{ pond, path, ...(ran ? { sql: ran } : {}), ...(asOf === undefined ? {} : { asOf }) }}
        onSortChange={setSort}
      />
    </div>
  );
}
