/**
 * The app's import wizard over the import contract (shared/import.ts): host files are handed to
 * the process that owns the pond first (uploaded under `pond serve`, named by a native dialog or
 * a drop in the desktop app) and named by an opaque id from then on, so the UI never names a
 * host path. Each file is then described by an ImportFileSpec (where it goes, as what, with the
 * user's overrides), previewed as the engine would store it, and imported as a write job.
 */
import type { QueryTag } from './api.js';
import type { ImportKind, ImportOverrides, ImportPreview } from './import.js';

/** A host file staged for import, named by the id the service handed out. */
export interface ImportSource {
  id: string;
  /** The file's own name (no folders), as the user knows it. */
  name: string;
  size: number;
  /** What its bytes are: Parquet (by its magic bytes), or anything else (read as CSV). */
  format: 'csv' | 'parquet';
}

/** One file of an import as the wizard states it: the `pond copy` it stands for. */
export interface ImportFileSpec {
  /** An ImportSource id. */
  source: string;
  /** The absolute pond path it is stored at (a new file, or a new version of a file there). */
  target: string;
  kind: ImportKind;
  overrides: ImportOverrides;
}

/** Where a dropped or chosen file goes: into a directory, or onto a file (a new version). */
export interface ImportProposalRequest {
  pond: string;
  source: string;
  /** An existing directory, or an existing table, series or data file. */
  dest: string;
}

export interface ImportPreviewRequest {
  pond: string;
  file: ImportFileSpec;
  /** Names the preview (a scan of the whole file) so a newer one for the screen stops it. */
  query?: QueryTag;
}

/** A file's import plan and what it would store (ImportPreview), and the same as a command. */
export interface ImportFilePreview {
  file: ImportFileSpec;
  /** `plan.file` is the source's name here: the UI is never told where the service keeps it. */
  preview: ImportPreview;
  /** The same plan as a `pond copy` command line. */
  command: string;
  /** Say where the command must run (e.g. in the folder that holds the file), or nothing. */
  commandNote?: string;
  /** The kinds this file may be imported as (only the node's own kind for a new version). */
  kinds: ImportKind[];
}

/** `one`: every file in one transaction; `each`: a transaction (and a job) per file. */
export type ImportTransactions = 'one' | 'each';

export interface ImportRunRequest {
  pond: string;
  files: ImportFileSpec[];
  transactions: ImportTransactions;
}
