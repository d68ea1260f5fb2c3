import { stat } from 'node:fs/promises';
import type { ImportPlan } from '../../shared/import.js';
import { BlobStore } from '../tlogfs/blob-store.js';
import { discardConverted, type Converted } from './convert.js';

/**
 * A preview's conversion kept for the run (the app's wizard): the preview's whole-file pass
 * writes the Parquet a run would store into this process's staging folder (tlogfs/staging.ts),
 * and a run of the same plan on the same unchanged source places that file instead of reading
 * the source again. Anything else converts again: another plan, a source whose identity changed
 * (see sourceIdentity), a staged file that is gone or not the size it was written with. Whoever
 * holds one discards it when it is not run; a killed process leaves it to `maintain`, as any
 * staged file.
 */
export interface StagedConversion {
  /** The plan as it was converted. */
  readonly plan: string;
  /** The source's identity, unchanged from before the conversion read it to after. */
  readonly source: string;
  readonly converted: Converted;
  /** The staged file's size when it was written. */
  readonly size: number;
  /** The staged file sealed for storing (see startSealing). */
  readonly sealed: Sealing;
}

/** A temp file's hash and sync (BlobStore.seal); undefined when that failed (a run seals again). */
export type Sealing = Promise<string | undefined>;

/**
 * Starts sealing a conversion's temp file as soon as it is written, while the preview goes on
 * and the user looks at it: a run of it then only commits. Whoever discards the file first waits
 * for this, so that nothing reads a removed file.
 */
export function startSealing(converted: Converted): Sealing {
  if (!converted.temp) return Promise.resolve(undefined);
  return BlobStore.seal(converted.file).catch(() => undefined);
}

/** Removes a conversion that is not kept, once its sealing (if any) is over. */
export async function discardSealed(converted: Converted, sealed?: Sealing): Promise<void> {
  await sealed;
  await discardConverted(converted);
}

/**
 * A file's identity without reading it: device, inode, size, and mtime and ctime to the
 * nanosecond. Any write through the file system changes ctime, which (unlike mtime) no ordinary program
 * can set back, so equal identities mean the same content.
 */
export async function sourceIdentity(file: string): Promise<string> {
  const st = await stat(file, { bigint: true });
  return [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(':');
}

/** What a conversion started from: the plan, and its source's identity. */
export interface ConversionStart {
  plan: string;
  source: string;
}

/** Taken just before a conversion reads the source. */
export async function conversionStart(plan: ImportPlan): Promise<ConversionStart> {
  return { plan: planKey(plan), source: await sourceIdentity(plan.file) };
}

/**
 * Keeps a finished conversion when neither its plan nor its source changed since `start`;
 * otherwise the conversion is discarded and nothing is kept.
 */
export async function stageConversion(
  plan: ImportPlan,
  start: ConversionStart,
  converted: Converted,
  sealed: Sealing = startSealing(converted),
): Promise<StagedConversion | undefined> {
  try {
    const now = await sourceIdentity(plan.file).catch(() => undefined);
    if (converted.temp && now === start.source && planKey(plan) === start.plan) {
      return { ...start, converted, size: (await stat(converted.file)).size, sealed };
    }
  } catch (e) {
    await discardSealed(converted, sealed);
    throw e;
  }
  await discardSealed(converted, sealed);
  return undefined;
}

/**
 * The staged conversion when it is exactly what a run of `plan` would make now, sealed when its
 * sealing succeeded; otherwise it is discarded and undefined says to convert again.
 */
export async function reuseStaged(
  staged: StagedConversion,
  plan: ImportPlan,
): Promise<Converted | undefined> {
  const sha256 = await staged.sealed;
  const [source, file] = await Promise.all([
    sourceIdentity(plan.file).catch(() => undefined),
    stat(staged.converted.file).catch(() => undefined),
  ]);
  if (staged.plan === planKey(plan) && staged.source === source && file?.size === staged.size) {
    return sha256 === undefined ? staged.converted : { ...staged.converted, sha256 };
  }
  await discardStaged(staged);
  return undefined;
}

export async function discardStaged(staged: StagedConversion): Promise<void> {
  await discardSealed(staged.converted, staged.sealed);
}

function planKey(plan: ImportPlan): string {
  return JSON.stringify(plan);
}
