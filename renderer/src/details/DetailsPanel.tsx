import type { NodeDetails } from '../../../shared/api';
import { formatBytes } from '../common/format';
import { RestoreVersionButton } from '../edit/RestoreVersionButton';
import { formatInstant, zoneLabel } from '../common/time-zone';
import { useView } from '../state/view-settings';

/** What a node is: type, versions, schema, time range, and the factory that makes it. */
export function DetailsPanel({ details }: { details: NodeDetails }) {
  const d = details;
  const newest = Math.max(...d.versions.map((v) => v.version));
  const zone = useView((s) => s.zone);
  const t = (iso: string | undefined) => (iso === undefined ? '' : formatInstant(iso, zone));
  return (
    <div className="details-panel" aria-label="Details">
      <dl className="facts">
        <dt>Path</dt>
        <dd>{d.path}</dd>
        <dt>Type</dt>
        <dd data-testid="entry-type">{d.kind}</dd>
        <dt>Node</dt>
        <dd className="mono">{d.nodeId}</dd>
        {d.entries !== undefined ? (
          <>
            <dt>Entries</dt>
            <dd>{d.entries.toLocaleString('en-US')}</dd>
          </>
        ) : null}
        {d.target ? (
          <>
            <dt>Target</dt>
            <dd>{d.target}</dd>
          </>
        ) : null}
        {d.timestampColumn ? (
          <>
            <dt>Timestamp column</dt>
            <dd>{d.timestampColumn}</dd>
          </>
        ) : null}
        {d.timeRange ? (
          <>
            <dt>Time range ({zoneLabel(zone)})</dt>
            <dd>
              {t(d.timeRange.start)} – {t(d.timeRange.end)}
            </dd>
          </>
        ) : null}
        {d.factory ? (
          <>
            <dt>Factory</dt>
            <dd>{d.factory}</dd>
          </>
        ) : null}
      </dl>
      {d.config ? (
        <section>
          <h3>Factory config</h3>
          <pre className="yaml">{d.config}</pre>
        </section>
      ) : null}
      {d.versions.length > 0 ? (
        <section>
          <h3>Versions ({d.versions.length})</h3>
          <table className="simple" data-testid="versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Transaction</th>
                <th>Written ({zone === 'utc' ? 'UTC' : 'local'})</th>
                <th>Size</th>
                <th>Time range</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.versions.map((v) => (
                <tr key={v.version}>
                  <td>{v.version}</td>
                  <td>{v.txn}</td>
                  <td className="nowrap">{t(v.written)}</td>
                  <td className="nowrap">{formatBytes(v.size)}</td>
                  <td>{v.start ? `${t(v.start)} – ${t(v.end)}` : ''}</td>
                  <td>
                    <RestoreVersionButton path={d.path} txn={v.txn} latest={v.version === newest} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {d.schema ? (
        <section>
          <h3>Schema</h3>
          <table className="simple">
            <thead>
              <tr>
                <th>Column</th>
                <th>Type</th>
                <th>Nullable</th>
              </tr>
            </thead>
            <tbody>
              {d.schema.map((c) => (
                <tr key={c.name}>
                  <td>{c.name}</td>
                  <td className="mono">{c.type}</td>
                  <td>{c.nullable ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
