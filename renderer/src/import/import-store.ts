import { create } from 'zustand';
import type { ImportSource } from '../../../shared/app-import';
import type { EntryKind } from '../../../shared/api';

/** Where the files were dropped: a directory, a file (a new version of it), or the window. */
export interface ImportDest {
  path: string;
  kind: EntryKind;
}

/** How the import wizard opens: files to stage (a drop, a file input) or staged ones (a dialog). */
export interface ImportStart {
  /** Absent: dropped on the window or Import…, so the wizard asks for the directory first. */
  dest?: ImportDest;
  /** The directory the wizard proposes when it asks (from the tree's selection). */
  suggested?: string;
  files?: File[];
  sources?: ImportSource[];
}

/** Files dropped or chosen while the wizard was open: it adds them or says why it cannot. */
export interface ImportAddition {
  seq: number;
  files: File[];
  sources: ImportSource[];
}

interface ImportState {
  wizard: ImportStart | undefined;
  /** Counts openings, so each opening is a new wizard. */
  opened: number;
  /** Waiting for the open wizard to take them (`takeAdded`). */
  added: ImportAddition[];
  /** Why the open wizard cannot take more files now (its import has started), for the drop's hint. */
  refusal: string | undefined;
  setRefusal(why: string | undefined): void;
  /** Opens the wizard, or hands the files to the one that is open (never dropped silently). */
  openWizard(start: ImportStart): void;
  takeAdded(): ImportAddition[];
  closeWizard(): void;
}

let seq = 0;

export const useImport = create<ImportState>()((set, get) => ({
  wizard: undefined,
  opened: 0,
  added: [],
  refusal: undefined,
  setRefusal: (refusal) => set({ refusal }),
  openWizard: (start) => {
    if (get().wizard === undefined) {
      set((s) => ({ wizard: start, opened: s.opened + 1, added: [] }));
      return;
    }
    const addition = { seq: ++seq, files: start.files ?? [], sources: start.sources ?? [] };
    set((s) => ({ added: [...s.added, addition] }));
  },
  takeAdded: () => {
    const added = get().added;
    if (added.length > 0) set({ added: [] });
    return added;
  },
  closeWizard: () => set({ wizard: undefined, added: [], refusal: undefined }),
}));
