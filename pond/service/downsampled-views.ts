import type { DownsampledView, NodeRequest } from '../../shared/api.js';
import { derivedReaders } from '../factories/derived-readers.js';
import { parseDuration } from '../config/duration.js';
import { joinPath, resolvePath } from '../tinyfs/path.js';
import { isDynamicNode } from '../tlogfs/transaction.js';
import { readView } from './draft-view.js';
import { queryableNode } from './node-source.js';
import type { OpenPond } from './pond-registry.js';
import { defineSource } from './preview.js';

/**
 * The downsampled views of a series: the files that factory nodes reading it compute from it
 * alone (a temporal-reduce's `res=` series of this input), each with its columns, finest first.
 * The chart offers them beside the series itself. Describing them stops when `signal` aborts.
 */
export async function downsampledViews(
  open: OpenPond,
  req: NodeRequest,
  signal?: AbortSignal,
): Promise<DownsampledView[]> {
  const found = await readView(open, req, async (txn) => {
    const path = resolvePath(req.path);
    const wd = await txn.wd();
    const out: { label: string; path: string; reader: string; relation: string; ms: number }[] = [];
    for (const reader of (await derivedReaders(txn, open.registry, [path])).readers) {
      const factory = open.registry.get(reader.factory);
      const node = (await wd.get(reader.path, { follow: false })).node;
      if (!factory.viewsOf || !isDynamicNode(node)) continue;
      const where = `${reader.path} (${reader.factory})`;
      for (const v of await factory.viewsOf(node.spec.config, where, path, wd)) {
        const viewPath = joinPath(reader.path, v.path);
        const q = await queryableNode(txn, viewPath);
        out.push({
          label: v.label,
          path: q.path,
          reader: reader.path,
          relation: q.relation,
          ms: parseDuration(v.label, where, 'resolutions'),
        });
      }
    }
    return out.sort((a, b) => a.ms - b.ms || (a.path < b.path ? -1 : 1));
  });
  const views: DownsampledView[] = [];
  for (const v of found) {
    const columns = await open.engine.withConnection(async (c) => {
      await defineSource(c, v.relation);
      return open.engine.describeSelect(c, 'SELECT * FROM source');
    }, signal);
    views.push({
      label: v.label,
      path: v.path,
      reader: v.reader,
      columns: columns.map((c) => ({ ...c, nullable: true })),
    });
  }
  return views;
}
