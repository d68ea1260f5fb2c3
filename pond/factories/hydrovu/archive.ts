import { rm } from 'node:fs/promises';
import type { AddedFile } from '../../../shared/collectors.js';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { ident, literal } from '../../duckdb/sql.js';
import { nodeRelation } from '../../query/node-relation.js';
import { isFile } from '../../tinyfs/node.js';
import { removePaths } from '../../tinyfs/remove.js';
import { BlobStore } from '../../tlogfs/blob-store.js';
import type { RunContext, RunResult } from '../executable.js';
import { deviceDir, type HydroVuConfig } from './config.js';

/**
 * `archive [DEVICE]` (the original's crates/hydrovu/src/lib.rs archive_devices): each device's
 * active series (or its legacy `{name}.series`) becomes `{name}_archive_{YYYYMMDD}.series`, one
 * version holding all its rows in time order, and the active entry is removed (its versions stay
 * in history). The next collect resumes after the archive's newest reading and starts a new
 * active series. A device whose archive of today exists, or whose series is empty, is skipped
 * and said so. Prints a `pond copy` line per archive, to export them.
 */
export async function archive(ctx: RunContext<HydroVuConfig>): Promise<RunResult> {
  const { config: cfg, job, args } = ctx;
  const only = args[0];
  if (args.length > 1 || (only !== undefined && !cfg.devices.some((d) => d.name === only))) {
    throw new PondError(
      ErrorCode.InvalidArgument,
      `archive takes at most one device name (devices: ${cfg.devices.map((d) => d.name).join(', ')}), not '${args.join(' ')}'`,
      { input: args.join(' ') },
    );
  }
  const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const blobs = new BlobStore(ctx.pond.layout.blobs);
  const temps: string[] = [];
  const added: AddedFile[] = [];
  const skipped: string[] = [];
  try {
    await ctx.write(async (txn) => {
      added.length = 0;
      skipped.length = 0;
      const wd = await txn.wd();
      for (const d of cfg.devices.filter((x) => only === undefined || x.name === only)) {
        const dir = deviceDir(cfg.hydrovuPath, d);
        let from: string | undefined;
        for (const name of [`${d.name}_active.series`, `${d.name}.series`]) {
          const found = await wd.lookup(`${dir}/${name}`).catch(() => undefined);
          if (found?.found && isFile(found.node) && found.node.type === 'series') {
            from = `${dir}/${name}`;
            break;
          }
        }
        if (from === undefined) {
          skipped.push(`${d.name}: no active series in ${dir}`);
          continue;
        }
        const to = `${dir}/${d.name}_archive_${today}.series`;
        if ((await wd.lookup(to)).found) {
          skipped.push(`${d.name}: ${to} exists already`);
          continue;
        }
        const node = await wd.getFile(from);
        const versions = await node.versions();
        const tsColumn =
          versions.find((v) => v.timestampColumn !== undefined)?.timestampColumn ?? 'timestamp';
        const relation = await nodeRelation(node, from, { txn, expanding: [] });
        const temp = await blobs.tempPath('.parquet');
        temps.push(temp);
        const c = ident(tsColumn);
        const stats = await txn.session.all(
          `COPY (SELECT * FROM (${relation}) ORDER BY ${c}) TO ${literal(temp)} (FORMAT parquet, RETURN_STATS, USE_TMP_FILE false)`,
        );
        const rows = Number(stats[0]?.['count'] ?? 0);
        if (rows === 0) {
          skipped.push(`${d.name}: ${from} is empty`);
          continue;
        }
        const range = await txn.session.all(
          `SELECT epoch_us(min(${c}))::DOUBLE AS lo, epoch_us(max(${c}))::DOUBLE AS hi FROM read_parquet(${literal(temp)})`,
        );
        await wd.writeFile(to, 'series', {
          hostPath: temp,
          timestampColumn: tsColumn,
          minEventTimeUs: range[0]!['lo'] as number,
          maxEventTimeUs: range[0]!['hi'] as number,
        });
        await removePaths(wd, [from]);
        job.log(`${d.name}: ${from} -> ${to} (${rows} rows from ${versions.length} versions)`);
        added.push({ path: to, rows, version: 1 });
      }
    });
  } finally {
    for (const t of temps) await rm(t, { force: true });
  }
  for (const s of skipped) job.log(`skipped ${s}`);
  const script = added.map((a) => `pond copy '${a.path}' host:///DEST${a.path}\n`).join('');
  const summary =
    added.length > 0
      ? `archived ${added.length} device${added.length === 1 ? '' : 's'}${skipped.length > 0 ? `; skipped ${skipped.join('; ')}` : ''}`
      : `nothing archived${skipped.length > 0 ? `: ${skipped.join('; ')}` : ''}`;
  return { summary, added, failures: [], output: script };
}
