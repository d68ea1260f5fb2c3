import { create } from 'zustand';
import type { ExportSettings } from '../../../shared/api';

/** How the wizard opens: empty, prefilled from the selection, or from a saved profile. */
export interface WizardStart {
  settings?: Partial<ExportSettings>;
  /** The profile the settings came from (the wizard offers to save back to it). */
  profile?: string;
  /** A profile to read from the pond and start from. */
  loadProfile?: string;
}

interface ExportState {
  wizard: WizardStart | undefined;
  openWizard(start: WizardStart): void;
  closeWizard(): void;
}

export const useExport = create<ExportState>()((set) => ({
  wizard: undefined,
  openWizard: (start) => set({ wizard: start }),
  closeWizard: () => set({ wizard: undefined }),
}));
