import type { ColumnProfile } from '../../../shared/api';
import { ErrorView } from '../common/ErrorView';
import { formatInstant } from '../common/time-zone';
import type { Zone } from '../state/view-settings';
import { isInstantType } from './column-kind';
import type { ProfileState } from './use-profiles';

export const PROFILE_HEIGHT = 118;

/** One profile card per column, under the headers, as wide as the column. */
export function ProfileStrip({
  names,
  widths,
  rownumWidth,
  profiles,
  zone,
}: {
  names: string[];
  widths: number[];
  rownumWidth: number;
  profiles: Map<string, ProfileState>;
  zone: Zone;
}) {
  return (
    <div className="profile-strip" style={{ height: PROFILE_HEIGHT }} data-testid="profile-strip">
      <div className="rownum profile-label" style={{ width: rownumWidth }}>
        Profile
      </div>
      {names.map((name, i) => {
        const p = profiles.get(name);
        return (
          <div
            key={name}
            className="profile-cell"
            style={{ width: widths[i] }}
            data-column={name}
            aria-label={`Profile of ${name}`}
          >
            {p === undefined || p === 'loading' ? (
              <span className="muted">…</span>
            ) : 'error' in p ? (
              <ErrorView error={p.error} />
            ) : (
              <ProfileCard p={p} zone={zone} />
            )}
          </div>
        );
      })}
    </div>
  );
}

function ProfileCard({ p, zone }: { p: ColumnProfile; zone: Zone }) {
  const show = (v: string | undefined) =>
    v === undefined ? '–' : isInstantType(p.type) ? formatInstant(v, zone) : v;
  const pct = p.rows === 0 ? 0 : (100 * p.nulls) / p.rows;
  const peak = Math.max(1, ...p.histogram.map((h) => h.count));
  return (
    <div className="profile-card">
      <div className="profile-facts">
        <span data-testid="profile-nulls" title={`${p.nulls} of ${p.rows} rows are NULL`}>
          nulls {p.nulls.toLocaleString('en-US')} ({pct < 1 && pct > 0 ? '<1' : Math.round(pct)}%)
        </span>
        <span data-testid="profile-distinct">distinct {p.distinct.toLocaleString('en-US')}</span>
      </div>
      <div className="profile-range mono" title={`min ${show(p.min)}\nmax ${show(p.max)}`}>
        <span data-testid="profile-min">{show(p.min)}</span>
        <span data-testid="profile-max">{show(p.max)}</span>
      </div>
      <svg
        className="profile-histogram"
        viewBox={`0 0 ${p.histogram.length * 10} 40`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${p.histogramKind === 'bins' ? 'Histogram' : 'Most frequent values'} of ${p.name}`}
      >
        {p.histogram.map((h, i) => {
          const height = (h.count / peak) * 38;
          return (
            <rect key={i} x={i * 10 + 1} y={40 - height} width={8} height={height}>
              <title>
                {p.histogramKind === 'bins'
                  ? `${show(h.from)} – ${show(h.to)}: ${h.count.toLocaleString('en-US')}`
                  : `${h.label}: ${h.count.toLocaleString('en-US')}`}
              </title>
            </rect>
          );
        })}
      </svg>
    </div>
  );
}
