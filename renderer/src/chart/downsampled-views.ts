import type { ColumnInfo, DownsampledView, DraftNode, NodeDetails } from '../../../shared/api';
import { useQuery } from '../query/use-query';
import { useClient } from '../state/app-store';

/**
 * The downsampled views of a raw series (the temporal-reduce outputs that read it), for the
 * chart's view picker; none for a `res=` series (it has its siblings) or a draft. Asked for
 * beside the chart, cancelled like it when the node changes.
 */
export function useDownsampledViews(
  pond: string,
  details: NodeDetails,
  asOf: number | undefined,
  draft: DraftNode | undefined,
): DownsampledView[] {
  const client = useClient();
  const ask = details.kind === 'series' && !details.resolutions?.length && !draft;
  const { result } = useQuery(
    'chart-views',
    (query) =>
      ask
        ? client.downsampledViews({
            pond,
            path: details.path,
            query,
            ...(asOf === undefined ? {} : { asOf }),
          })
        : Promise.resolve([]),
    [client, pond, details.path, asOf, ask],
  );
  return result.state === 'done' ? result.value : [];
}

/**
 * The columns to plot after switching views: `temperature` becomes `temperature.avg` (a
 * reduce's first aggregate of it) and back; a column the new view lacks is dropped, and the
 * view's first number stands in when none is left.
 */
export function viewColumns(
  chosen: string[],
  to: ColumnInfo[] | undefined,
  raw: ColumnInfo[],
): string[] {
  const names = (to ?? raw).map((c) => c.name).filter((n) => n !== 'timestamp');
  const mapped = chosen.flatMap((c) => {
    if (names.includes(c)) return [c];
    const base = c.includes('.') ? c.slice(0, c.lastIndexOf('.')) : c;
    const hit = names.find((n) => n === base || n.startsWith(`${base}.`));
    return hit ? [hit] : [];
  });
  const unique = [...new Set(mapped)];
  return unique.length > 0 ? unique : names.slice(0, 1);
}
