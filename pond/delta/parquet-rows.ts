import { readFile } from 'node:fs/promises';
import {
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
  type AsyncBuffer,
  type FileMetaData,
  type SchemaElement,
} from 'hyparquet';
import { decompress as unzstd } from 'fzstd';

/**
 * Rows of a Parquet file read in JS (hyparquet), for the log's own metadata: checkpoints and the
 * oplog's data files. Loading DuckDB's native library costs more than a short command's whole
 * work, so metadata reads never need it; queries over user content still run in DuckDB.
 *
 * Values come back raw and exact: INT64 as bigint, timestamps as their stored integer (bigint),
 * BYTE_ARRAY without a string annotation (BLOB) as Uint8Array, strings decoded as strict UTF-8
 * (invalid bytes fail the read, as they do in DuckDB), structs as objects, maps as objects,
 * lists as arrays, NULL as null.
 */
export interface ParquetRowsFile {
  path: string;
  metadata: FileMetaData;
  buffer: AsyncBuffer;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Our writers compress with zstd (hyparquet reads snappy and uncompressed itself); a file with any
 * other codec fails the read with hyparquet's error naming it. fzstd alone loads in a fraction of
 * the time of a package with every codec, and a short command pays for what it loads.
 */
const compressors = {
  ZSTD: (input: Uint8Array, outputLength: number) => unzstd(input, new Uint8Array(outputLength)),
};

const PARSERS = {
  timestampFromMilliseconds: (v: bigint) => v,
  timestampFromMicroseconds: (v: bigint) => v,
  timestampFromNanoseconds: (v: bigint) => v,
  stringFromBytes: (b: Uint8Array | undefined) => (b === undefined ? b : utf8.decode(b)),
};

/**
 * Reads a file and its footer. The whole file is read at once: its rows are read whole too, and
 * one read beats a stream per column chunk.
 */
export async function openParquetRows(path: string): Promise<ParquetRowsFile> {
  const bytes = await readFile(path);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = await parquetMetadataAsync(buffer);
  return { path, metadata, buffer };
}

/** The file's top-level columns by name, with their schema elements. */
export function topLevelColumns(file: ParquetRowsFile): Map<string, SchemaElement> {
  const tree = parquetSchema(file.metadata);
  return new Map(tree.children.map((c) => [c.element.name, c.element]));
}

/** Every row of the file, with the named top-level columns (all of them when absent). */
export async function readParquetRows(
  file: ParquetRowsFile,
  columns?: string[],
): Promise<Record<string, unknown>[]> {
  if (Number(file.metadata.num_rows) === 0) return [];
  return parquetReadObjects({
    file: file.buffer,
    metadata: file.metadata,
    ...(columns ? { columns } : {}),
    compressors,
    utf8: false,
    parsers: PARSERS,
  });
}
