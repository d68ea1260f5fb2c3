import { readdir, rename } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { ErrorCode, PondError } from '../../shared/errors.js';

/**
 * DuckDB closes and reopens partition files beyond this many open at once, which would split a
 * partition over several files; writers keep them open (merging pieces is the safety net).
 */
export const MAX_OPEN_PARTITIONS = 10_000;

/** One file a partitioned COPY wrote. */
export interface CopiedPiece {
  file: string;
  /** Rows and bytes when DuckDB reported them (RETURN_STATS); unknown for text formats. */
  rows?: number;
  bytes?: number;
}

export interface PartitionFile {
  /** Path relative to the folder written into (e.g. `year=2024/month=7/data.parquet`). */
  relPath: string;
  /** The pieces' rows when they were all known. */
  rows: number | undefined;
  bytes: number | undefined;
  /** Hive partition values of the file's folder. */
  partition: Record<string, string>;
}

/**
 * Turns the pieces of one COPY into exactly one file named `name` per partition folder:
 * several pieces of one folder are merged by `merge` (which returns the merged size), a single
 * piece is renamed. Then checks that each folder holds that one file and nothing else.
 */
export async function settlePartitions(
  dir: string,
  pieces: CopiedPiece[],
  name: string,
  merge: (pieces: string[], final: string) => Promise<number>,
): Promise<PartitionFile[]> {
  const byFolder = new Map<string, CopiedPiece[]>();
  for (const p of pieces) {
    const folder = dirname(p.file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), p]);
  }
  const files: PartitionFile[] = [];
  for (const [folder, group] of byFolder) {
    const final = join(folder, name);
    const known = group.every((p) => p.rows !== undefined && p.bytes !== undefined);
    let bytes = known ? group.reduce((n, p) => n + p.bytes!, 0) : undefined;
    if (group.length > 1)
      bytes = await merge(
        group.map((p) => p.file),
        final,
      );
    else if (group[0]!.file !== final) await rename(group[0]!.file, final);
    const relPath = relative(dir, final).split(sep).join('/');
    files.push({
      relPath,
      rows: known ? group.reduce((n, p) => n + p.rows!, 0) : undefined,
      bytes,
      partition: hivePartition(relPath),
    });
  }
  await checkOneFilePerFolder(dir, files);
  return files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/** `year=2024/month=7/data.parquet` -> { year: '2024', month: '7' }. */
function hivePartition(relPath: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of relPath.split('/').slice(0, -1)) {
    const at = part.indexOf('=');
    if (at > 0) out[decodeURIComponent(part.slice(0, at))] = decodeURIComponent(part.slice(at + 1));
  }
  return out;
}

/** DuckDB writes one file per partition; make sure (two would break "exactly one per partition"). */
async function checkOneFilePerFolder(dir: string, files: PartitionFile[]): Promise<void> {
  const folders = new Map(files.map((f) => [dirname(f.relPath), basename(f.relPath)]));
  if (folders.size !== files.length) {
    throw new PondError(
      ErrorCode.Internal,
      `DuckDB wrote more than one file in a partition of ${dir}`,
    );
  }
  for (const [folder, name] of folders) {
    const names = await readdir(join(dir, folder));
    if (names.length !== 1 || names[0] !== name) {
      throw new PondError(
        ErrorCode.Internal,
        `partition ${folder} of ${dir} holds ${names.length} files`,
      );
    }
  }
}
