/**
 * What a long import reports to and hears from whoever runs it (DESIGN §2: the service's job
 * runner implements this; nothing here imports the service). `done` and `total` count bytes of
 * the source files; the message names the file and, once it is converted, its rows.
 */
export interface ImportJob {
  readonly signal: AbortSignal;
  /** Reports progress; throws PondError(CANCELLED) once the job was cancelled. */
  progress(p: { done: number; total?: number; message: string }): void;
  /** Registers work to interrupt on cancel (a running DuckDB query). */
  onCancel(fn: () => void): void;
  /** Throws PondError(CANCELLED) if the job was cancelled. */
  checkCancelled(): void;
}
