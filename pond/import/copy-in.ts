import type { ImportedFile, ImportOverrides } from '../../shared/import.js';
import type { Pond, TxnMeta } from '../tlogfs/pond.js';
import type { Job } from '../job/job.js';
import { planImport } from './plan.js';
import { runImport } from './run.js';

export interface CopyInOptions extends ImportOverrides {
  /** Host paths resolve inside this folder (`-d`). */
  hostRoot?: string;
  /** Told about rows left out by `skipRejected`. */
  onRejected?: (message: string) => void;
  job?: Job;
}

/**
 * `pond copy` IN: host files into the pond as one transaction, through the same plan the app's
 * import wizard shows. Every file is planned and converted before anything is written.
 */
export async function copyIn(
  pond: Pond,
  sources: string[],
  dest: string,
  meta: TxnMeta,
  options: CopyInOptions = {},
): Promise<{ files: ImportedFile[]; seq: number | undefined }> {
  const { hostRoot, onRejected, job, ...overrides } = options;
  const plans = await planImport(pond, {
    sources,
    dest,
    overrides,
    ...(hostRoot !== undefined ? { hostRoot } : {}),
  });
  return runImport(pond, plans, meta, {
    ...(onRejected ? { onRejected } : {}),
    ...(job ? { job } : {}),
  });
}
