import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { ErrorCode, PondError } from '../../shared/errors.js';
import type { ImportedFile, ImportPlan } from '../../shared/import.js';
import { isFile, type FileContent, type FileNode } from '../tinyfs/node.js';
import { resolvePath } from '../tinyfs/path.js';
import { checkNewVersion } from '../query/schema-check.js';
import { BlobStore, hashFile } from '../tlogfs/blob-store.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import type { PondTxn } from '../tlogfs/transaction.js';
import { checkConverted, convertPlan, discardConverted, type Converted } from './convert.js';
import { discardStaged, reuseStaged, type StagedConversion } from './staged-conversion.js';
import type { Job } from '../job/job.js';
import { labelOf } from './label.js';
import { checkPlan } from './plan-check.js';
import { describeRejects } from './reject-messages.js';
import { COPY_FLAGS, type ImportAdvice } from './import-advice.js';

export interface RunOptions {
  job?: Job;
  /** How messages name the user's choices (default: the flags of `pond copy`). */
  advice?: ImportAdvice;
  /** Told about rows left out by `skipRejected` (the message lists them). */
  onRejected?: (message: string) => void;
  /**
   * Conversions a preview staged (previewAndStage), by the plan they are for: one still exactly
   * what its plan would make is placed instead of converting again. They are this call's to
   * remove: each is either placed (and removed by `cleanup`) or discarded.
   */
  staged?: ReadonlyMap<ImportPlan, StagedConversion>;
  /** Told when each phase of a run ends: `convert`, `place` (in the transaction), `commit`. */
  onPhase?: (phase: 'convert' | 'place' | 'commit') => void;
}

export interface PlaceOptions {
  /** A file whose latest version already holds this content is left alone (`pond apply`). */
  unchangedOk?: boolean;
  /** A file that exists with other content is refused, with this hint (`pond apply`). */
  refuseExisting?: string;
}

/** Plans converted and ready to be placed in a write transaction. */
export interface PreparedImport {
  items: { plan: ImportPlan; content: FileContent; converted?: Converted }[];
  /** Removes converted temp files (once the transaction is over, committed or not). */
  cleanup(): Promise<void>;
}

/**
 * Runs import plans as one transaction: every file is converted first (the slow, fallible part,
 * outside the write lock), then placed; an append is checked against what is stored inside the
 * transaction, so it compares with what is really there. A failure or a cancel changes nothing
 * and leaves no temp file.
 */
export async function runImport(
  pond: Pond,
  plans: ImportPlan[],
  meta: TxnMeta,
  options: RunOptions = {},
): Promise<{ files: ImportedFile[]; seq: number | undefined }> {
  const prepared = await prepareImport(pond, plans, options);
  options.onPhase?.('convert');
  try {
    options.job?.checkCancelled();
    const { seq, result } = await pond.write(meta, async (txn) => {
      const files = await placeImport(txn, prepared);
      options.onPhase?.('place');
      return files;
    });
    options.onPhase?.('commit');
    return { files: result, seq };
  } finally {
    await prepared.cleanup();
  }
}

/** Converts every plan before any transaction starts. */
export async function prepareImport(
  pond: Pond,
  plans: ImportPlan[],
  options: RunOptions = {},
): Promise<PreparedImport> {
  const blobs = new BlobStore(pond.layout.blobs);
  const advice = options.advice ?? COPY_FLAGS;
  const items: PreparedImport['items'] = [];
  /** Every conversion made or taken, whether or not it became an item. */
  const made: Converted[] = [];
  const cleanup = async () => {
    for (const c of made) await discardConverted(c);
    for (const staged of options.staged?.values() ?? []) await discardStaged(staged);
  };
  const total = plans.reduce((n, p) => n + p.size, 0);
  let done = 0;
  // Its own connection, so a cancel interrupts this import and nothing else.
  const session = await pond.session.connect();
  let open = true;
  options.job?.onCancel(() => {
    if (open) session.interrupt();
  });
  try {
    for (const plan of plans) {
      options.job?.progress({ done, total, message: `importing ${plan.source}` });
      await checkPlan(session, plan, advice);
      await checkUnchanged(plan);
      if (plan.format === 'bytes') {
        items.push({ plan, content: { hostPath: plan.file } });
      } else {
        const staged = options.staged?.get(plan);
        const reused = staged && (await reuseStaged(staged, plan));
        if (reused) checkConverted(reused, plan, labelOf(plan), advice);
        // A cancel since the progress above: the interrupt had no query to stop, so do not start one.
        if (!reused) options.job?.checkCancelled();
        const converted = reused || (await convertPlan(session, plan, blobs, advice, options.job));
        // The cleanup's from here, whatever comes next (a cancel makes the progress below throw).
        made.push(converted);
        // A preview's conversion comes sealed (staged-conversion.ts), unless sealing it failed.
        if (converted.temp && converted.sha256 === undefined)
          converted.sha256 = await BlobStore.seal(converted.file);
        options.job?.progress({
          done: done + plan.size,
          total,
          message: `${plan.source}: ${converted.rows} rows`,
        });
        items.push({ plan, content: contentOf(plan, converted), converted });
        if (converted.skipped.count > 0)
          options.onRejected?.(describeRejects(labelOf(plan), converted.skipped, plan, advice));
      }
      done += plan.size;
    }
    options.job?.progress({ done, total, message: 'writing' });
  } catch (e) {
    await cleanup();
    throw e;
  } finally {
    open = false;
    session.close();
  }
  return { items, cleanup };
}

function contentOf(plan: ImportPlan, c: Converted): FileContent {
  const content: FileContent = { hostPath: c.file };
  if (c.sha256) content.sha256 = c.sha256;
  if (plan.timestamp) content.timestampColumn = plan.timestamp.column;
  if (c.timeRange) {
    content.minEventTimeUs = c.timeRange.minUs;
    content.maxEventTimeUs = c.timeRange.maxUs;
  }
  return content;
}

/** A source that changed after it was planned would not be what the preview showed. */
async function checkUnchanged(plan: ImportPlan): Promise<void> {
  const st = await stat(plan.file).catch(() => undefined);
  if (!st || st.size !== plan.size || st.mtimeMs !== plan.mtimeMs) {
    throw new PondError(
      ErrorCode.Conflict,
      `${labelOf(plan)} ${st ? 'changed' : 'disappeared'} after it was planned; plan the import again`,
      { input: plan.source },
    );
  }
}

/** Writes prepared files in a write transaction (parents made as needed). */
export async function placeImport(
  txn: PondTxn,
  prepared: PreparedImport,
  options: PlaceOptions = {},
): Promise<ImportedFile[]> {
  const wd = await txn.wd();
  const done: ImportedFile[] = [];
  for (const { plan, content, converted } of prepared.items) {
    const label = labelOf(plan);
    await wd.mkdir(resolvePath('..', plan.target), { parents: true });
    const found = await wd.lookup(plan.target);
    const node = found.found ? found.node : undefined;
    if (node && !isFile(node)) {
      throw new PondError(ErrorCode.WrongType, `'${plan.target}' is a ${node.type}, not a file`, {
        input: plan.target,
      });
    }
    checkMode(plan, node);
    const file: ImportedFile = {
      source: plan.source,
      path: plan.target,
      kind: plan.kind,
      created: !node,
    };
    if (node && (options.unchangedOk || options.refuseExisting)) {
      const same = await sameContent(node, content);
      if (same && options.unchangedOk) {
        done.push({ ...file, unchanged: true });
        continue;
      }
      if (!same && options.refuseExisting) {
        throw new PondError(
          ErrorCode.AlreadyExists,
          `'${plan.target}' exists with other content; ${options.refuseExisting}`,
          { input: plan.target },
        );
      }
    }
    const before = node ? (await node.versions()).length : 0;
    if (node && node.type !== 'data' && converted) {
      await checkNewVersion(
        txn,
        node,
        plan.target,
        converted.columns,
        plan.timestamp?.column,
        label,
      );
    }
    await wd.writeFile(plan.target, plan.kind, content);
    file.version = before + 1;
    if (converted) {
      file.rows = converted.rows;
      if (converted.skipped.count > 0) file.rejected = converted.skipped.count;
    }
    done.push(file);
  }
  return done;
}

/** The target must still be what the plan found: missing for a new file, of its kind for a version. */
function checkMode(plan: ImportPlan, node: FileNode | undefined): void {
  if (plan.mode === 'new' && node) {
    throw new PondError(
      ErrorCode.Conflict,
      `'${plan.target}' was created by another writer after the import was planned; plan it again to add a version`,
      { input: plan.target },
    );
  }
  if (plan.mode === 'append' && !node) {
    throw new PondError(
      ErrorCode.Conflict,
      `'${plan.target}' is gone since the import was planned; plan it again`,
      { input: plan.target },
    );
  }
  if (node && node.type !== plan.kind) {
    throw new PondError(
      ErrorCode.WrongType,
      `'${plan.target}' is a ${node.type}, and the import makes a ${plan.kind}`,
      { input: plan.target },
    );
  }
}

/** Whether the latest version of a file holds exactly `content`. */
async function sameContent(node: FileNode, content: FileContent): Promise<boolean> {
  const versions = await node.versions();
  const latest = versions[versions.length - 1];
  if (!latest) return false;
  const sha = content.hostPath
    ? await hashFile(content.hostPath)
    : createHash('sha256')
        .update(content.bytes ?? new Uint8Array())
        .digest('hex');
  return sha === latest.sha256;
}
