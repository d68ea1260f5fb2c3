import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData, ColumnInfo, DraftNode, NodeDetails } from '../../../shared/api';
import { ErrorView } from '../common/ErrorView';
import { formatInstant, zoneLabel } from '../common/time-zone';
import { useView, type Zone } from '../state/view-settings';
import { Running, seconds } from '../query/Running';
import { useQuery } from '../query/use-query';
import { useApp, useClient } from '../state/app-store';
import { PALETTE, alignedData } from './chart-data';
import { useDownsampledViews, viewColumns } from './downsampled-views';

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;
const MAX_POINTS = 4000;

interface Window {
  start: number;
  end: number;
}

/**
 * A series over time: choose columns, drag to zoom, pan, pick a `res=` resolution, or (for a
 * raw series) one of the downsampled views that read it. With `draft`, the series of a factory
 * node being edited (the node editor's preview).
 */
export function ChartPanel({
  pond,
  details,
  asOf,
  draft,
  slot = 'chart',
}: {
  pond: string;
  details: NodeDetails;
  asOf?: number;
  draft?: DraftNode;
  /** The panel its queries belong to (see QueryTag.slot). */
  slot?: string;
}) {
  const client = useClient();
  const [path, setPath] = useState(details.path);
  const views = useDownsampledViews(pond, details, asOf, draft);
  const view = views.find((v) => v.path === path);
  const numeric = useMemo(
    () =>
      ((view ? view.columns : details.schema) ?? []).filter(
        (c: ColumnInfo) =>
          c.name !== (view ? 'timestamp' : details.timestampColumn) && NUMERIC.test(c.type),
      ),
    [details, view],
  );
  const [chosen, setChosen] = useState<string[]>(() => numeric.slice(0, 1).map((c) => c.name));
  const [win, setWin] = useState<Window>();

  // A new column choice or window supersedes the running query; leaving the node cancels it.
  const { result: data, cancel } = useQuery(
    slot,
    (query) =>
      client.chart({
        pond,
        path,
        query,
        maxPoints: MAX_POINTS,
        ...(chosen.length ? { columns: chosen } : {}),
        ...(win
          ? { start: new Date(win.start).toISOString(), end: new Date(win.end).toISOString() }
          : {}),
        ...(asOf === undefined ? {} : { asOf }),
        ...(draft ? { draft } : {}),
      }),
    [client, pond, path, chosen.join('\n'), win?.start, win?.end, asOf, draft],
  );

  const pan = (direction: number) => {
    const range = shownRange(data.state === 'done' ? data.value : undefined, win);
    if (!range) return;
    const step = ((range.end - range.start) / 2) * direction;
    setWin({ start: range.start + step, end: range.end + step });
  };

  return (
    <div className="chart-panel">
      <div className="chart-controls">
        {views.length > 0 ? (
          <label>
            View{' '}
            <select
              aria-label="Downsampled view"
              value={path}
              onChange={(e) => {
                const next = e.target.value;
                const to = views.find((v) => v.path === next);
                setChosen((c) => viewColumns(c, to?.columns, numericOf(details)));
                setPath(next);
                setWin(undefined);
              }}
            >
              <option value={details.path}>this series (raw)</option>
              {views.map((v) => (
                <option key={v.path} value={v.path}>
                  res={v.label} ({v.reader})
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {details.resolutions && details.resolutions.length > 0 ? (
          <label>
            Resolution{' '}
            <select
              aria-label="Resolution"
              value={path}
              onChange={(e) => {
                setPath(e.target.value);
                setWin(undefined);
              }}
            >
              {details.resolutions.map((r) => (
                <option key={r.path} value={r.path}>
                  res={r.label}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <fieldset className="chart-columns">
          <legend>Columns</legend>
          {numeric.map((c) => (
            <label key={c.name}>
              <input
                type="checkbox"
                checked={chosen.includes(c.name)}
                onChange={(e) =>
                  setChosen((s) =>
                    e.target.checked ? [...s, c.name] : s.filter((n) => n !== c.name),
                  )
                }
              />
              {c.name}
            </label>
          ))}
        </fieldset>
        <button onClick={() => pan(-1)} aria-label="Pan left">
          ◀
        </button>
        <button onClick={() => pan(1)} aria-label="Pan right">
          ▶
        </button>
        <button onClick={() => setWin(undefined)} disabled={!win}>
          Reset zoom
        </button>
        <span className="chart-note">
          {data.state === 'done' ? (
            `${data.value.rowCount.toLocaleString('en-US')} points${data.value.downsampled ? ' (min/max per bucket)' : ''} · drag to zoom`
          ) : data.state === 'running' ? (
            <Running since={data.since} onCancel={cancel} />
          ) : data.state === 'cancelled' ? (
            <span data-testid="query-cancelled">
              Chart query cancelled after {seconds(data.afterMs)}
            </span>
          ) : (
            ''
          )}
        </span>
        <ZoneNote />
      </div>
      {data.state === 'failed' ? <ErrorView error={data.error} title="The chart failed" /> : null}
      {data.state === 'done' ? <Plot chart={data.value} onZoom={setWin} /> : null}
    </div>
  );
}

function numericOf(details: NodeDetails): ColumnInfo[] {
  return (details.schema ?? []).filter(
    (c) => c.name !== details.timestampColumn && NUMERIC.test(c.type),
  );
}

function shownRange(chart: ChartData | undefined, win: Window | undefined): Window | undefined {
  if (win) return win;
  if (!chart?.start || !chart.end) return undefined;
  return { start: Date.parse(chart.start), end: Date.parse(chart.end) };
}

/** The zone every time on the chart is in (its axis and its legend). */
function ZoneNote() {
  const zone = useView((s) => s.zone);
  return (
    <span className="muted chart-zone" data-testid="chart-zone">
      Times in {zoneLabel(zone)}
    </span>
  );
}

/** uPlot's dates in the chosen zone (it draws in the browser's zone unless told). */
function tzDate(zone: Zone): ((ts: number) => Date) | undefined {
  return zone === 'utc' ? (ts) => uPlot.tzDate(new Date(ts), 'Etc/UTC') : undefined;
}

function Plot({ chart, onZoom }: { chart: ChartData; onZoom(w: Window): void }) {
  const host = useRef<HTMLDivElement>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const theme = useApp((s) => s.theme);
  const zone = useView((s) => s.zone);

  useEffect(() => {
    const el = host.current!;
    const style = getComputedStyle(el);
    const fg = style.getPropertyValue('--fg').trim() || '#222';
    const grid = style.getPropertyValue('--border').trim() || '#ddd';
    const axis = { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid } };
    const plot = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: Math.max(200, el.clientHeight - 40),
        ms: 1,
        ...(tzDate(zone) ? { tzDate: tzDate(zone)! } : {}),
        scales: { x: { time: true } },
        axes: [
          { ...axis, label: `${chart.timestampColumn} (${zone === 'utc' ? 'UTC' : 'local'})` },
          axis,
        ],
        series: [
          {
            label: chart.timestampColumn,
            // The legend shows the exact instant, as the grid does, in the chosen zone.
            value: (_u: uPlot, v: number | null) =>
              v === null
                ? ''
                : formatInstant(new Date(v).toISOString().replace('.000Z', 'Z'), zone),
          },
          ...chart.columns.map((name, i) => ({
            label: name,
            stroke: PALETTE[i % PALETTE.length]!,
            width: 1.5,
          })),
        ],
        cursor: { drag: { x: true, y: false, setScale: false } },
        hooks: {
          setSelect: [
            (u: uPlot) => {
              if (u.select.width < 3) return;
              const start = u.posToVal(u.select.left, 'x');
              const end = u.posToVal(u.select.left + u.select.width, 'x');
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              zoom.current({ start, end });
            },
          ],
        },
      },
      alignedData(chart),
      el,
    );
    const ro = new ResizeObserver(() =>
      plot.setSize({
        width: Math.max(300, el.clientWidth),
        height: Math.max(200, el.clientHeight - 40),
      }),
    );
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [chart, theme, zone]);

  return <div className="plot" ref={host} data-testid="chart" />;
}
