import { open } from 'node:fs/promises';
import { parquetMetadataAsync, type AsyncBuffer, type ColumnChunk } from 'hyparquet';
import { ErrorCode, PondError } from '../../../shared/errors.js';

/** Most footers of a converted device are a few KB: one read of this much gets them whole. */
const FOOTER_READ = 1 << 14;

/**
 * The first and last time (epoch microseconds) of the `timestamp` column of a Parquet file a
 * conversion just wrote, from its footer's statistics: DuckDB writes the exact minimum and maximum
 * of every row group, so a second query over the file (another statement's planning and a scan)
 * is not needed. `rows` is what the COPY reported: a footer that counts other rows, or lacks the
 * statistics, is refused rather than guessed from.
 */
export async function writtenTimeRange(
  file: string,
  rows: number,
  label: string,
): Promise<{ minUs: number; maxUs: number }> {
  const wrong = (why: string) =>
    new PondError(ErrorCode.Internal, `${label}: the converted readings' ${why} (${file})`, {
      input: file,
    });
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer: AsyncBuffer = {
      byteLength: size,
      slice: async (start, end = size) => {
        const bytes = new Uint8Array(end - start);
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
        if (bytesRead !== bytes.length) throw wrong('file was read short');
        return bytes.buffer;
      },
    };
    const metadata = await parquetMetadataAsync(buffer, {
      initialFetchSize: FOOTER_READ,
      parsers: { timestampFromMicroseconds: (us: bigint) => us },
      geoparquet: false,
    });
    let counted = 0n;
    let minUs: bigint | undefined;
    let maxUs: bigint | undefined;
    for (const group of metadata.row_groups) {
      counted += group.num_rows;
      const chunk = group.columns.find(isTimestamp);
      const stats = chunk?.meta_data?.statistics;
      const [lo, hi] = [stats?.min_value, stats?.max_value];
      if (typeof lo !== 'bigint' || typeof hi !== 'bigint')
        throw wrong('footer has no time range in microseconds');
      if (stats?.is_min_value_exact === false || stats?.is_max_value_exact === false)
        throw wrong('footer has an inexact time range');
      if (minUs === undefined || lo < minUs) minUs = lo;
      if (maxUs === undefined || hi > maxUs) maxUs = hi;
    }
    if (counted !== BigInt(rows)) throw wrong(`footer counts ${counted} rows, not ${rows}`);
    if (minUs === undefined || maxUs === undefined) throw wrong('file has no time range');
    return { minUs: Number(minUs), maxUs: Number(maxUs) };
  } finally {
    await handle.close();
  }
}

function isTimestamp(chunk: ColumnChunk): boolean {
  const path = chunk.meta_data?.path_in_schema;
  return path?.length === 1 && path[0] === 'timestamp';
}
