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

interface ImportState {
  wizard: ImportStart | undefined;
  /** Counts openings, so a second drop while the wizard is open starts it afresh. */
  opened: number;
  openWizard(start: ImportStart): void;
  closeWizard(): void;
}

export const useImport = create<ImportState>()((set) => ({
  wizard: undefined,
  opened: 0,
  openWizard: (start) => set((s) => ({ wizard: start, opened: s.opened + 1 })),
  closeWizard: () => set({ wizard: undefined }),
}));
