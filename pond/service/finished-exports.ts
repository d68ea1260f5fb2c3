import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What a finished export job offers: a file to download, or a folder's export as one zip. */
export type FinishedExport =
  | {
      kind: 'file';
      /** The open pond whose cache holds it (removed when the pond closes). */
      pond: string;
      path: string;
      name: string;
      contentType: string;
      /** Removed once downloaded whole. */
      temporary: boolean;
    }
  | {
      kind: 'folder';
      pond: string;
      /** The output folder, and the files the export wrote in it (relative, with `/`). */
      dir: string;
      files: string[];
      name: string;
    };

/**
 * The exports the app ran, by job id, for "Download" (pond serve) and "Open folder" (Electron).
 * Result files waiting in the pond's cache are removed when they have been downloaded, when
 * their pond closes, and when the service stops.
 */
export class FinishedExports {
  private readonly byJob = new Map<string, FinishedExport>();

  add(jobId: string, e: FinishedExport): void {
    this.byJob.set(jobId, e);
  }

  get(jobId: string): FinishedExport | undefined {
    return this.byJob.get(jobId);
  }

  /** A temporary file was downloaded whole: it goes. */
  async downloaded(jobId: string): Promise<void> {
    const e = this.byJob.get(jobId);
    if (e?.kind !== 'file' || !e.temporary) return;
    this.byJob.delete(jobId);
    await rm(dirname(e.path), { recursive: true, force: true });
  }

  /** Forgets a pond's exports (it closed), removing its waiting files. */
  async closePond(pond: string): Promise<void> {
    for (const [id, e] of [...this.byJob]) {
      if (e.pond !== pond) continue;
      this.byJob.delete(id);
      if (e.kind === 'file' && e.temporary)
        await rm(dirname(e.path), { recursive: true, force: true });
    }
  }

  async closeAll(): Promise<void> {
    for (const pond of new Set([...this.byJob.values()].map((e) => e.pond)))
      await this.closePond(pond);
  }
}
