import { lazy, Suspense, useState } from 'react';
import type { DraftNode, NodeCheck } from '../../../shared/api';
import { ErrorView } from '../common/ErrorView';
import { PreviewGrid } from '../grid/PreviewGrid';
import { Running } from '../query/Running';
import { useQuery } from '../query/use-query';
import { useClient } from '../state/app-store';

const ChartPanel = lazy(() =>
  import('../chart/ChartPanel').then((m) => ({ default: m.ChartPanel })),
);

/**
 * The live preview of a draft factory node before it is made: the tables and series it would
 * make, and the rows (grid) or the chart of one of them, read from the draft placed in a
 * transaction that is never committed. Every query is cancellable, as anywhere in the app.
 */
export function NodePreview({
  pond,
  draft,
  check,
}: {
  pond: string;
  draft: DraftNode;
  check: NodeCheck;
}) {
  const [chosen, setChosen] = useState<string>();
  const [tab, setTab] = useState<'rows' | 'chart'>('rows');
  const current = check.outputs.find((o) => o.path === chosen) ?? check.outputs[0];
  if (!current) {
    return (
      <p className="muted" data-testid="preview-empty">
        {draft.path} makes no table or series now: a derived node&apos;s inputs may not exist yet,
        and a collector writes only when it runs (Run now in the Collectors view).
      </p>
    );
  }
  const chart = tab === 'chart' && current.kind === 'series';
  return (
    <div className="node-preview" data-testid="node-preview">
      <div className="preview-controls">
        <label>
          Output{' '}
          <select
            aria-label="Output to preview"
            value={current.path}
            onChange={(e) => setChosen(e.target.value)}
          >
            {check.outputs.map((o) => (
              <option key={o.path} value={o.path}>
                {o.path} ({o.kind})
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {check.outputsTotal === 1
            ? 'one output'
            : `${check.outputsTotal.toLocaleString('en-US')} outputs${check.outputsTotal > check.outputs.length ? ` (the first ${check.outputs.length} listed)` : ''}`}
        </span>
        <div className="tabs preview-tabs" role="tablist" aria-label="Preview">
          <button
            role="tab"
            aria-selected={!chart}
            className={!chart ? 'tab active' : 'tab'}
            onClick={() => setTab('rows')}
          >
            Rows
          </button>
          {current.kind === 'series' ? (
            <button
              role="tab"
              aria-selected={chart}
              className={chart ? 'tab active' : 'tab'}
              onClick={() => setTab('chart')}
            >
              Chart
            </button>
          ) : null}
        </div>
      </div>
      <div className="preview-body">
        {chart ? (
          <DraftChart key={current.path} pond={pond} path={current.path} draft={draft} />
        ) : (
          <PreviewGrid
            key={current.path}
            spec={{ pond, path: current.path, draft, slot: 'node-preview-grid' }}
          />
        )}
      </div>
    </div>
  );
}

function DraftChart({ pond, path, draft }: { pond: string; path: string; draft: DraftNode }) {
  const client = useClient();
  const { result, cancel } = useQuery(
    'node-preview-details',
    (query) => client.details({ pond, path, draft, query }),
    [client, pond, path, draft],
  );
  if (result.state === 'running') return <Running since={result.since} onCancel={cancel} />;
  if (result.state === 'cancelled') return <p className="muted">Cancelled</p>;
  if (result.state === 'failed')
    return <ErrorView error={result.error} title={`Cannot read ${path}`} />;
  return (
    <Suspense fallback={<p className="muted">Loading the chart…</p>}>
      <ChartPanel pond={pond} details={result.value} draft={draft} slot="node-preview-chart" />
    </Suspense>
  );
}
