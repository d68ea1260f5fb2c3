import { ErrorCode, PondError } from '../../shared/errors.js';
import { BlobStore } from '../tlogfs/blob-store.js';
import { readOplogBlobs } from '../tlogfs/oplog-file.js';
import { FileStore } from './file-store.js';
import { HINT_KEY } from './log-view.js';
import { eachLimited, type ObjectStore, type WriteOptions } from './object-store.js';
import type { Job } from '../job/job.js';
import { TransferProgress } from './progress.js';
import type { TransferCounts, TransferPlan } from './transfer-plan.js';

const BLOB_DIR = '_large_files/';
const PARALLEL = 4;

/**
 * Sends what the plan names that the target lacks: data files and the blobs their rows name (in
 * one pool when the source is a host folder, else data files first, since the blobs are read from
 * them), then the log entries in version order (each commit only if absent, the same bytes if present),
 * and the checkpoint hint last. Interrupted anywhere, the target stays at a complete version.
 */
export async function runTransfer(
  plan: TransferPlan,
  source: ObjectStore,
  target: ObjectStore,
  job: Job | undefined,
  verb: string,
): Promise<TransferCounts> {
  const counts: TransferCounts = {
    commits: 0,
    checkpoints: 0,
    dataFiles: 0,
    blobs: 0,
    present: 0,
    missingOld: 0,
    bytes: 0,
  };
  job?.checkCancelled();
  const dataKeys = [...plan.dataFiles.keys()];
  const [there, here] = await Promise.all([target.sizes(dataKeys), source.sizes(dataKeys)]);
  const toSend: string[] = [];
  /** Keys the target holds with the wrong size: replaced by the source's copy. */
  const damaged = new Set<string>();
  for (const key of dataKeys) {
    const size = here.get(key);
    if (size === undefined) {
      if (plan.dataFiles.get(key)!.live && !there.has(key)) {
        throw new PondError(
          ErrorCode.DeltaCorrupt,
          `${source.url}: data file ${key} of version ${plan.to} is missing (pond fsck)`,
          { input: `${source.url}/${key}` },
        );
      }
      if (!there.has(key)) counts.missingOld++;
      continue;
    }
    if (there.has(key) && there.get(key) === size) counts.present++;
    else {
      // A copy of the wrong size (a transfer killed midway by a server that kept what it got)
      // holds no byte worth keeping: the name fixes the content, so it is sent again in place.
      if (there.has(key)) damaged.add(key);
      toSend.push(key);
    }
  }
  const logFiles = plan.log.filter((e) => e.kind === 'checkpoint').map((e) => e.key);
  const logSizes = await source.sizes(logFiles);
  let totalBytes = toSend.reduce((n, k) => n + here.get(k)!, 0);
  totalBytes += [...logSizes.values()].reduce((n, s) => n + s, 0);
  const progress = new TransferProgress(job, verb, totalBytes, toSend.length + plan.log.length);
  progress.report(true);

  const sendData = async (key: string) => {
    job?.checkCancelled();
    const r = await copyObject(source, target, key, damaged.has(key) ? { replace: true } : {});
    counts.dataFiles++;
    counts.bytes += r;
    progress.object(r);
  };
  const sendBlob = async (key: string) => {
    job?.checkCancelled();
    const r = await copyObject(source, target, key, {
      sha256: key.slice(key.indexOf('=') + 1),
      ...(damaged.has(key) ? { replace: true } : {}),
    });
    counts.blobs++;
    counts.bytes += r;
    progress.object(r);
  };
  // Blobs named by the rows of every data file of the segment (even ones already there: an
  // interrupted transfer may have sent a data file and not yet all of its blobs).
  const blobsToSend = async () => {
    const blobs = await blobsNamed(source, target, dataKeys, plan.dataFiles);
    const { send, sizes } = await blobsMissing(blobs, source, target, plan.to, counts, damaged);
    progress.extend(
      send.reduce((n, k) => n + sizes.get(k)!, 0),
      send.length,
    );
    return { send, sizes };
  };
  if (source.localPath) {
    // The source's own data files name the blobs: everything goes in one pool, largest first,
    // so a big blob is not left to copy alone at the end.
    const blobs = await blobsToSend();
    const work = [
      ...toSend.map((key) => ({ key, size: here.get(key)!, send: sendData })),
      ...blobs.send.map((key) => ({ key, size: blobs.sizes.get(key)!, send: sendBlob })),
    ].sort((a, b) => b.size - a.size);
    await eachLimited(work, PARALLEL, (w) => w.send(w.key));
  } else {
    // The blobs are read from the data files once they are here.
    await eachLimited(toSend, PARALLEL, sendData);
    await eachLimited((await blobsToSend()).send, PARALLEL, sendBlob);
  }
  if (target instanceof FileStore) await target.flush();

  // The log, oldest first: each version becomes visible only after everything it names.
  for (const e of plan.log) {
    job?.checkCancelled();
    if (e.kind === 'commit') {
      const r = await target.writeBytes(e.key, e.bytes!, {
        ifAbsent: true,
        ...(e.mtimeMs === undefined ? {} : { mtimeMs: e.mtimeMs }),
      });
      if (!r.written) {
        const there = await target.read(e.key);
        if (!there || !there.bytes.equals(e.bytes!)) {
          throw new PondError(
            ErrorCode.Conflict,
            `${target.url}: transaction ${e.version} there is not this pond's: the histories diverged while sending`,
            { input: `${target.url}/${e.key}` },
          );
        }
        counts.present++;
      } else {
        counts.commits++;
        counts.bytes += r.size;
      }
      progress.object(r.size);
    } else {
      const r = await copyObject(source, target, e.key, {});
      counts.checkpoints++;
      counts.bytes += r;
      progress.object(r);
    }
  }
  // The hint last, and never backwards.
  const hint = plan.sourceView.hint;
  if (
    hint &&
    hint.version <= plan.to &&
    hint.version > (plan.targetView.hint?.version ?? -1) &&
    (plan.log.some((e) => e.kind === 'checkpoint' && e.version === hint.version) ||
      plan.targetView.checkpoints.has(hint.version))
  ) {
    await target.writeBytes(HINT_KEY, hint.bytes, { replace: true });
  }
  progress.report(true);
  return counts;
}

/** Copies one object; returns its size. Host-folder sources upload; others download into a host folder. */
async function copyObject(
  source: ObjectStore,
  target: ObjectStore,
  key: string,
  options: WriteOptions,
): Promise<number> {
  if (source.localPath) return (await target.upload(key, source.localPath(key), options)).size;
  if (target instanceof FileStore) {
    const r = await target.receive(
      key,
      async (tmp) => (await source.download(key, tmp)).sha256,
      options,
    );
    return r.size;
  }
  throw new PondError(
    ErrorCode.Unsupported,
    `cannot copy from ${source.url} to ${target.url} directly: one of them must be a host folder`,
  );
}

/**
 * The blobs the target lacks, with their sizes at the source. One the source lacks is damage when a
 * live file names it; else it belongs to an old version whose blobs are gone (counted).
 */
async function blobsMissing(
  blobs: Map<string, boolean>,
  source: ObjectStore,
  target: ObjectStore,
  version: number,
  counts: TransferCounts,
  damaged: Set<string>,
): Promise<{ send: string[]; sizes: Map<string, number> }> {
  const keys = [...blobs.keys()];
  const [there, here] = await Promise.all([target.sizes(keys), source.sizes(keys)]);
  const send: string[] = [];
  for (const key of keys) {
    const size = here.get(key);
    if (there.has(key) && (size === undefined || there.get(key) === size)) {
      counts.present++;
    } else if (there.has(key)) {
      damaged.add(key); // the wrong size: sent again in place, as a data file is
      send.push(key);
    } else if (size === undefined) {
      if (blobs.get(key)) {
        throw new PondError(
          ErrorCode.DeltaCorrupt,
          `${source.url}: blob ${key} named by version ${version} is missing (pond fsck)`,
          { input: `${source.url}/${key}` },
        );
      }
      counts.missingOld++;
    } else send.push(key);
  }
  return { send, sizes: here };
}

/** Blob keys named by the oplog rows of these data files -> whether a live file names it. */
async function blobsNamed(
  source: ObjectStore,
  target: ObjectStore,
  keys: readonly string[],
  files: TransferPlan['dataFiles'],
): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  const paths = new Map<string, boolean>();
  const local = await (source.localPath ? source.sizes(keys) : target.sizes(keys));
  for (const k of keys) {
    if (!local.has(k)) continue;
    const path = source.localPath ? source.localPath(k) : target.localPath!(k);
    paths.set(path, files.get(k)?.live ?? false);
  }
  for (const r of await blobsInFiles([...paths.keys()]))
    out.set(r.key, (out.get(r.key) ?? false) || (paths.get(r.file) ?? false));
  return out;
}

/** The blob keys (`_large_files/sha256=...`) named by the oplog rows of these Parquet files. */
export async function blobsInFiles(
  files: readonly string[],
): Promise<{ key: string; file: string }[]> {
  const out: { key: string; file: string }[] = [];
  // Read in JS, as the pond reads its own metadata: a push never loads DuckDB.
  await eachLimited(files, 8, async (file) => {
    for (const blob of await readOplogBlobs(file))
      out.push({ key: BLOB_DIR + BlobStore.blobName(blob), file });
  });
  return out;
}
