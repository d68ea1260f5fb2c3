import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import type { Source, SourceEnv } from '../../query/source.js';
import { parseUtcTime } from '../../query/time.js';
import { parseUrl } from '../../query/url.js';
import type { Pond } from '../../tlogfs/pond.js';
import type { CliContext } from '../context.js';
import { csvLine, renderTable } from '../format/result-table.js';
import { writeOut } from '../output.js';

type Format = 'auto' | 'raw' | 'table' | 'csv' | 'json';

interface CatOptions {
  format: Format;
  sql?: string;
  query?: string;
  explain?: boolean;
  asOf?: string;
  timeStart?: string;
  timeEnd?: string;
}

export function registerCat(command: Command, ctx: CliContext): void {
  command
    .option(
      '--format <format>',
      'auto | raw | table | csv | json (json: one object per line)',
      'auto',
    )
    .option('--sql <sql>', 'SQL over the table named `source`')
    .option('--query <sql>', 'the same as --sql')
    .option('--explain', "print DuckDB's plan instead of the rows")
    .option(
      '--time-start <time>',
      'only rows at or after this time (UTC); series versions that end before it are not read',
    )
    .option('--time-end <time>', 'only rows at or before this time (UTC, inclusive)')
    .option('--as-of <txn|time>', 'read the pond as it was at a transaction number or time')
    .action(async (path: string, o: CatOptions) => {
      if (o.query !== undefined) o.sql ??= o.query;
      const formats: Format[] = ['auto', 'raw', 'table', 'csv', 'json'];
      if (!formats.includes(o.format)) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `--format must be one of ${formats.join(', ')}, not '${o.format}'`,
          { input: o.format },
        );
      }
      const url = parseUrl(path);
      if (!url.host && url.path.includes('*')) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `cat reads one file, and '${path}' is a pattern (names never contain '*'): see what it matches with pond list '${path}'`,
          { input: path },
        );
      }
      if (url.host && !ctx.hasPond()) {
        const { DuckSession } = await import('../../duckdb/session.js');
        const session = await DuckSession.open();
        try {
          await cat({ session, ...(ctx.hostRoot ? { hostRoot: ctx.hostRoot } : {}) }, path, o);
        } finally {
          session.close();
        }
        return;
      }
      await ctx.withPond(async (pond: Pond) => {
        const asOf = await ctx.asOf(pond, o.asOf);
        await pond.read(async (txn) => {
          const env: SourceEnv = { session: pond.session, txn, cacheDir: pond.layout.cache };
          if (ctx.hostRoot) env.hostRoot = ctx.hostRoot;
          await cat(env, path, o);
        }, asOf);
      });
    });
}

async function cat(env: SourceEnv, path: string, o: CatOptions): Promise<void> {
  const timeRange: { startUs?: number; endUs?: number } = {};
  if (o.timeStart) timeRange.startUs = parseUtcTime(o.timeStart, '--time-start') * 1000;
  if (o.timeEnd) timeRange.endUs = parseUtcTime(o.timeEnd, '--time-end') * 1000;
  const { resolveSource } = await import('../../query/source.js');
  const { explainQuery, sqlOverSource } = await import('../../query/run-query.js');
  const { windowOnEventTime } = await import('../../query/time-window.js');
  const source = await resolveSource(path, env, { timeRange });
  if (source.kind === 'bytes') {
    if (o.sql || o.explain || o.format === 'table' || o.format === 'csv' || o.format === 'json') {
      throw new PondError(
        ErrorCode.WrongType,
        `${source.label} is a data file: --format ${o.format}${o.sql ? ' and --sql' : ''} need a table or series (read CSV data as csv:///path)`,
        { input: path },
      );
    }
    await writeOut(await source.read());
    return;
  }
  const relation = await windowOnEventTime(
    env.session,
    source.relation,
    source.node,
    source.label,
    timeRange,
  );
  const sql = sqlOverSource(relation, o.sql);
  if (o.explain) {
    await writeOut((await explainQuery(env.session, sql)) + '\n');
    return;
  }
  const format = o.format === 'auto' ? (process.stdout.isTTY ? 'table' : 'raw') : o.format;
  if (format === 'raw') return writeParquet(env, sql);
  await writeRows(env, sql, format, source);
}

async function writeRows(
  env: SourceEnv,
  sql: string,
  format: 'table' | 'csv' | 'json',
  _source: Source,
): Promise<void> {
  const { streamQuery } = await import('../../query/run-query.js');
  const result = await streamQuery(env.session, sql, {
    blobs: format === 'table' ? 'text' : 'base64',
  });
  if (format === 'table') {
    const rows = [];
    for await (const batch of result.rows()) rows.push(...batch);
    await writeOut(
      rows.length === 0
        ? 'No data found\n'
        : renderTable(result.columns, rows) + `Summary: ${rows.length} total rows\n`,
    );
    return;
  }
  if (format === 'csv') await writeOut(csvLine(result.columns.map((c) => c.name)));
  for await (const batch of result.rows()) {
    let chunk = '';
    for (const row of batch) {
      if (format === 'csv') chunk += csvLine(row);
      else
        chunk +=
          JSON.stringify(Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]]))) + '\n';
    }
    await writeOut(chunk);
  }
}

/** `--format raw` on a table or series: the rows as one Parquet file on stdout. */
async function writeParquet(env: SourceEnv, sql: string): Promise<void> {
  const { literal } = await import('../../duckdb/sql.js');
  const { queryError } = await import('../../query/run-query.js');
  // In this process's staging folder of the pond (maintain removes it after a kill); only a read of
  // host files, with no pond, uses the system's temp folder.
  const tmp = env.txn
    ? await env.txn.blobs.tempPath('.parquet')
    : join(tmpdir(), `pond-cat-${randomUUID()}.parquet`);
  try {
    await env.session
      .run(`COPY (${sql}) TO ${literal(tmp)} (FORMAT parquet, COMPRESSION zstd)`)
      .catch((e) => {
        throw queryError(e, sql);
      });
    for await (const chunk of createReadStream(tmp)) await writeOut(chunk as Buffer);
  } finally {
    await rm(tmp, { force: true });
  }
}
