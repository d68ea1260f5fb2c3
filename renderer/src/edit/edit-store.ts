import { create } from 'zustand';
import type { AffectedReaderInfo, TreeEntry, WriteJobResult } from '../../../shared/api';
import type { ErrorInfo } from '../../../shared/errors';
import { useApp } from '../state/app-store';

/** A transaction the app made (this window), which Undo may revert. */
export interface UndoEntry {
  txn: number;
  /** What made it (the job's kind: rename, delete, save derived node...). */
  label: string;
}

/** What the last edit did or why it failed, shown under the toolbar until dismissed. */
export interface EditNotice {
  kind: 'done' | 'refused';
  text: string;
  /** Derived nodes whose inputs the edit took away or brought (their configs are unchanged). */
  readers?: AffectedReaderInfo[];
  /** Derived nodes whose inputs could not be checked. */
  unchecked?: { path: string; reason: string }[];
  error?: ErrorInfo;
}

/** The dialog an edit opened. */
export type EditDialog =
  | { kind: 'new-folder'; dir: string }
  | { kind: 'delete'; entry: TreeEntry }
  | { kind: 'move'; entry: TreeEntry }
  | { kind: 'new-node'; dir: string }
  | { kind: 'edit-node'; path: string };

interface EditState {
  /** Per pond handle, the app's own transactions, oldest first. */
  undo: Record<string, UndoEntry[]>;
  notice: EditNotice | undefined;
  dialog: EditDialog | undefined;
  /** The tree row being renamed in place. */
  renaming: string | undefined;
  /** Per path, how many of the app's edits changed it (views of it read again). */
  revisions: Record<string, number>;
  setNotice(notice: EditNotice | undefined): void;
  openDialog(dialog: EditDialog | undefined): void;
  rename(path: string | undefined): void;
  popUndo(pond: string): UndoEntry | undefined;
  touched(paths: string[]): void;
}

export const useEdit = create<EditState>()((set, get) => ({
  undo: {},
  notice: undefined,
  dialog: undefined,
  renaming: undefined,
  revisions: {},
  setNotice: (notice) => set({ notice }),
  openDialog: (dialog) => set({ dialog }),
  rename: (renaming) => set({ renaming }),
  popUndo: (pond) => {
    const list = get().undo[pond] ?? [];
    const last = list[list.length - 1];
    if (last) set((s) => ({ undo: { ...s.undo, [pond]: list.slice(0, -1) } }));
    return last;
  },
  touched: (paths) =>
    set((s) => {
      const revisions = { ...s.revisions };
      for (const p of paths) revisions[p] = (revisions[p] ?? 0) + 1;
      return { revisions };
    }),
}));

/** The write jobs this window started that Undo may revert, by id, until they end. */
const undoable = new Set<string>();

/** Puts the job's transaction, when it makes one, on its pond's undo list. */
export function offerUndo(jobId: string): void {
  undoable.add(jobId);
  recordUndo(useApp.getState());
}

/** When an undoable job ends with a transaction, it goes on its pond's undo list, newest last. */
useApp.subscribe((state) => recordUndo(state));

function recordUndo(state: ReturnType<typeof useApp.getState>): void {
  for (const id of [...undoable]) {
    const job = state.jobs[id];
    if (!job || job.state === 'running') continue;
    undoable.delete(id);
    const txn = (job.result as WriteJobResult | undefined)?.txn;
    if (job.state !== 'done' || !job.pond || typeof txn !== 'number') continue;
    useEdit.setState((s) => ({
      undo: { ...s.undo, [job.pond!]: [...(s.undo[job.pond!] ?? []), { txn, label: job.kind }] },
    }));
  }
}

/** A number that changes when one of the app's edits changes `path` or a folder above it. */
export function useRevision(path: string): number {
  return useEdit((s) => {
    let n = 0;
    for (let p = path; ; p = p.slice(0, Math.max(1, p.lastIndexOf('/')))) {
      n += s.revisions[p] ?? 0;
      if (p === '/') return n;
    }
  });
}
