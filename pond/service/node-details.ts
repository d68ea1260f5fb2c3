import type { NodeDetails, NodeRequest, VersionInfo } from '../../shared/api.js';
import { basename, dirname, joinPath } from '../tinyfs/path.js';
import { isDirectory } from '../tinyfs/node.js';
import type { FileVersion } from '../tinyfs/node.js';
import { boundsOf, eventBoundsSql } from '../query/parquet-file.js';
import { queryError } from '../query/run-query.js';
import { describeNode } from './describe.js';
import { readView } from './draft-view.js';
import { isoFromMicros, isoFromMillis } from './iso-time.js';
import type { OpenPond } from './pond-registry.js';
import { defineSource } from './preview.js';
import type { PondTxn } from '../tlogfs/transaction.js';

/** A downsampled series made by temporal-reduce is named `res=<duration>.series`. */
const RESOLUTION = /^res=([^/]+?)(?:\.series)?$/;

/**
 * Details of one node for the app: type, versions, schema, time range, factory config. The time
 * range of a derived series is a scan of its rows (which may be long), so it runs on the query
 * engine and stops when `signal` aborts.
 */
export async function nodeDetails(
  open: OpenPond,
  req: NodeRequest,
  signal?: AbortSignal,
): Promise<NodeDetails> {
  return readView(open, req, async (txn) => {
    const found = await (await txn.wd()).get(req.path, { follow: false });
    const d = await describeNode(txn, found.path, found.node, (relation, column) =>
      open.engine.withConnection(async (c) => {
        await defineSource(c, relation);
        const sql = eventBoundsSql('SELECT * FROM source', column);
        try {
          return boundsOf((await c.runAndReadAll(sql)).getRowObjectsJS());
        } catch (e) {
          throw queryError(e, sql);
        }
      }, signal),
    );
    const out: NodeDetails = {
      path: d.path,
      kind: d.type,
      nodeId: d.nodeId,
      versions: d.versions.map(versionInfo),
    };
    if (d.factory !== undefined) out.factory = d.factory;
    if (d.config !== undefined) out.config = d.config;
    if (d.schema !== undefined) out.schema = d.schema;
    if (d.timestampColumn !== undefined) out.timestampColumn = d.timestampColumn;
    if (d.timeRange !== undefined)
      out.timeRange = {
        start: isoFromMicros(d.timeRange.minUs),
        end: isoFromMicros(d.timeRange.maxUs),
      };
    if (d.entries !== undefined) out.entries = d.entries;
    if (d.target !== undefined) out.target = d.target;
    if (d.type === 'series' && RESOLUTION.test(basename(found.path))) {
      out.resolutions = await resolutionSiblings(txn, found.path);
    }
    return out;
  });
}

function versionInfo(v: FileVersion): VersionInfo {
  const out: VersionInfo = {
    version: v.version,
    txn: v.txnSeq,
    written: isoFromMillis(v.timestamp),
    size: v.size,
  };
  if (v.minEventTimeUs !== undefined) out.start = isoFromMicros(v.minEventTimeUs);
  if (v.maxEventTimeUs !== undefined) out.end = isoFromMicros(v.maxEventTimeUs);
  if (v.restoredFrom)
    out.restoredFrom = { version: v.restoredFrom.version, txn: v.restoredFrom.txnSeq };
  if (v.base) out.base = true;
  return out;
}

/** The `res=` series beside this one (itself included), finest first. */
async function resolutionSiblings(
  txn: PondTxn,
  path: string,
): Promise<{ label: string; path: string }[]> {
  const parent = dirname(path);
  const dir = (await (await txn.wd()).get(parent)).node;
  if (!isDirectory(dir)) return [];
  const out: { label: string; path: string; us: number }[] = [];
  for (const e of await dir.entries()) {
    const m = RESOLUTION.exec(e.name);
    if (m && e.type === 'series')
      out.push({ label: m[1]!, path: joinPath(parent, e.name), us: durationUs(m[1]!) });
  }
  out.sort((a, b) => a.us - b.us || (a.label < b.label ? -1 : 1));
  return out.map(({ label, path }) => ({ label, path }));
}

const UNIT_US: Record<string, number> = {
  us: 1,
  ms: 1e3,
  s: 1e6,
  m: 60e6,
  min: 60e6,
  h: 3600e6,
  d: 86400e6,
  w: 7 * 86400e6,
};

/** A resolution label such as `15m`, `1h` or `1d` in µs, for ordering (unknown labels last). */
function durationUs(label: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(label);
  const unit = m ? UNIT_US[m[2]!.toLowerCase()] : undefined;
  return m && unit !== undefined ? Number(m[1]) * unit : Number.POSITIVE_INFINITY;
}
