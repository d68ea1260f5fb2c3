import { lazy, Suspense } from 'react';
import type { PondSummary, TreeEntry } from '../../../shared/api';
import { BackupsPanel } from '../backups/BackupsPanel';
import { CollectorsPanel } from '../collectors/CollectorsPanel';
import { ErrorBoundary } from '../common/ErrorBoundary';
import { ErrorView } from '../common/ErrorView';
import { DetailsPanel } from '../details/DetailsPanel';
import { EditDialogs, useUndoKey } from '../edit/EditDialogs';
import { EditNoticeBar } from '../edit/EditNoticeBar';
import { useRevision } from '../edit/edit-store';
import { Running } from '../query/Running';
import { useQuery } from '../query/use-query';
import { HistoryPanel } from '../history/HistoryPanel';
import { useApp, useAsOfTxn, useClient, type Panel } from '../state/app-store';
import { useConnection } from '../state/connection';
import { useView } from '../state/view-settings';
import { Tree } from '../tree/Tree';
import { AsOfBanner } from './AsOfBanner';
import { useSelectionAcrossTime } from './keep-selection';
import { SidebarResizer } from './SidebarResizer';
import { Toolbar } from './Toolbar';

// The grid (and Arrow, which decodes its pages) load with the first Data panel, so the tree
// paints without waiting for them.
const DataPanel = lazy(() => import('../sql/DataPanel').then((m) => ({ default: m.DataPanel })));
const DataFilePanel = lazy(() =>
  import('../data-file/DataFilePanel').then((m) => ({ default: m.DataFilePanel })),
);

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
  collectors: 'Collectors',
};

/** Which panels make sense for a selection (rows for tables and series, a chart for series). */
function panelsFor(entry: TreeEntry | undefined): Panel[] {
  const pond: Panel[] = ['history', 'backups', 'collectors'];
  if (!entry) return pond;
  if (entry.kind === 'series') return ['data', 'chart', 'details', ...pond];
  if (entry.kind === 'table' || entry.kind === 'data') return ['data', 'details', ...pond];
  return ['details', ...pond];
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
  const client = useClient();
  useUndoKey(!client.onMenuCommand);
  const epoch = useConnection((s) => s.epoch);
  const sidebarWidth = useView((s) => s.sidebarWidth);
  useSelectionAcrossTime(client, pond.handle);

  return (
    <div className="main">
      <Toolbar pond={pond} />
      <AsOfBanner />
      <EditNoticeBar />
      <EditDialogs pond={pond.handle} />
      <div className="workspace">
        <aside className="sidebar" style={{ width: sidebarWidth }}>
          {/* Not keyed by time: the tree keeps its open folders across View as of. */}
          <ErrorBoundary what="The tree" resetKey={`${pond.handle}:${travel}:${epoch}`}>
            <Tree key={pond.path} pond={pond.handle} />
          </ErrorBoundary>
        </aside>
        <SidebarResizer />
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
              resetKey={`${panel}:${selected?.path ?? ''}:${travel}:${epoch}`}
            >
              {panel === 'history' ? (
                <HistoryPanel key={epoch} pond={pond.handle} />
              ) : panel === 'backups' ? (
                <BackupsPanel key={epoch} pond={pond.handle} />
              ) : panel === 'collectors' ? (
                <CollectorsPanel key={epoch} pond={pond.handle} />
              ) : selected ? (
                <NodePanel
                  key={epoch}
                  pond={pond.handle}
                  entry={selected}
                  panel={panel}
                  asOf={asOf}
                />
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
  const at = asOf === undefined ? {} : { asOf };
  // The app's edits of this node (a restored version) read it again.
  const revision = useRevision(entry.path);
  const key = `${entry.path}\n${revision}`;
  // Keyed by node: a new node opens on its own rows (or the query it had), never on the last
  // node's SQL (which would start that query again, a long one included, on the new node).
  if (panel === 'data') {
    return (
      <Suspense fallback={<div className="panel-loading">Loading…</div>}>
        {entry.kind === 'data' ? (
          <DataFilePanel key={key} pond={pond} path={entry.path} {...at} />
        ) : (
          <DataPanel key={key} pond={pond} path={entry.path} {...at} />
        )}
      </Suspense>
    );
  }
  return <DetailedPanel pond={pond} entry={entry} panel={panel} asOf={asOf} />;
}

/** The panels that start from the node's details (chart, details). */
function DetailedPanel({ pond, entry, panel, asOf }: NodePanelProps) {
  const client = useClient();
  const at = asOf === undefined ? {} : { asOf };
  // The latest view changes with every transaction (a restored version, a new config).
  const lastTxn = useApp((s) => (asOf === undefined ? s.pond?.lastTxn : 0));
  // The time range of a derived series is a scan of its rows: stopped when the node changes.
  const { result: details, cancel } = useQuery(
    'details',
    (query) => client.details({ pond, path: entry.path, query, ...at }),
    [client, pond, entry.path, asOf, lastTxn],
  );
  if (details.state === 'running') {
    return (
      <div className="panel-loading">
        <Running since={details.since} onCancel={cancel} />
      </div>
    );
  }
  if (details.state === 'cancelled') {
    return (
      <div className="panel-loading" data-testid="query-cancelled">
        Reading {entry.path} was cancelled
      </div>
    );
  }
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
