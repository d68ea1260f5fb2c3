import { lazy, Suspense } from 'react';
import type { PondSummary, TreeEntry } from '../../../shared/api';
import { BackupsPanel } from '../backups/BackupsPanel';
import { ErrorBoundary } from '../common/ErrorBoundary';
import { ErrorView } from '../common/ErrorView';
import { useAsync } from '../common/use-async';
import { DetailsPanel } from '../details/DetailsPanel';
import { HistoryPanel } from '../history/HistoryPanel';
import { DataPanel } from '../sql/DataPanel';
import { useApp, useAsOfTxn, useClient, type Panel } from '../state/app-store';
import { Tree } from '../tree/Tree';
import { AsOfBanner } from './AsOfBanner';
import { Toolbar } from './Toolbar';

// uPlot is loaded when a chart is first shown, so the first paint does not wait for it.
const ChartPanel = lazy(() =>
  import('../chart/ChartPanel').then((m) => ({ default: m.ChartPanel })),
);

const LABELS: Record<Panel, string> = {
  data: 'Data',
  chart: 'Chart',
  details: 'Details',
  history: 'History',
  backups: 'Backups',
};

/** Which panels make sense for a selection (rows for tables and series, a chart for series). */
function panelsFor(entry: TreeEntry | undefined): Panel[] {
  if (!entry) return ['history', 'backups'];
  if (entry.kind === 'series') return ['data', 'chart', 'details', 'history', 'backups'];
  if (entry.kind === 'table') return ['data', 'details', 'history', 'backups'];
  return ['details', 'history', 'backups'];
}

/** An open pond: the tree on the left, the selected node's panels on the right. */
export function MainView({ pond }: { pond: PondSummary }) {
  const selected = useApp((s) => s.selected);
  const chosen = useApp((s) => s.panel);
  const setPanel = useApp((s) => s.setPanel);
  const asOf = useAsOfTxn();
  const panels = panelsFor(selected);
  const panel = panels.includes(chosen) ? chosen : panels[0]!;
  const travel = asOf ?? 'latest';

  return (
    <div className="main">
      <Toolbar pond={pond} />
      <AsOfBanner />
      <div className="workspace">
        <aside className="sidebar">
          <ErrorBoundary what="The tree" resetKey={`${pond.handle}:${travel}`}>
            <Tree key={`${pond.handle}:${travel}`} pond={pond.handle} />
          </ErrorBoundary>
        </aside>
        <section className="content">
          <div className="tabs" role="tablist" aria-label="Panels">
            {panels.map((p) => (
              <button
                key={p}
                role="tab"
                aria-selected={p === panel}
                className={p === panel ? 'tab active' : 'tab'}
                onClick={() => setPanel(p)}
              >
                {LABELS[p]}
              </button>
            ))}
            <span className="selected-path">{selected?.path ?? 'Select a node in the tree'}</span>
          </div>
          <div className="tab-body" role="tabpanel" aria-label={LABELS[panel]}>
            <ErrorBoundary
              what={`The ${LABELS[panel]} panel`}
              resetKey={`${panel}:${selected?.path ?? ''}:${travel}`}
            >
              {panel === 'history' ? (
                <HistoryPanel pond={pond.handle} />
              ) : panel === 'backups' ? (
                <BackupsPanel pond={pond.handle} />
              ) : selected ? (
                <NodePanel pond={pond.handle} entry={selected} panel={panel} asOf={asOf} />
              ) : null}
            </ErrorBoundary>
          </div>
        </section>
      </div>
    </div>
  );
}

interface NodePanelProps {
  pond: string;
  entry: TreeEntry;
  panel: Panel;
  asOf: number | undefined;
}

function NodePanel({ pond, entry, panel, asOf }: NodePanelProps) {
  const client = useClient();
  const at = asOf === undefined ? {} : { asOf };
  const details = useAsync(
    () => client.details({ pond, path: entry.path, ...at }),
    [client, pond, entry.path, asOf],
  );
  if (panel === 'data') return <DataPanel pond={pond} path={entry.path} {...at} />;
  if (details.state === 'loading') return <p className="muted">Loading…</p>;
  if (details.state === 'failed') {
    return <ErrorView error={details.error} title={`Cannot read ${entry.path}`} />;
  }
  if (panel === 'chart') {
    return (
      <Suspense fallback={<div className="panel-loading">Loading the chart…</div>}>
        <ChartPanel key={details.value.path} pond={pond} details={details.value} {...at} />
      </Suspense>
    );
  }
  return <DetailsPanel details={details.value} />;
}
