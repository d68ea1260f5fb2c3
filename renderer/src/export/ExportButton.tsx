import { useApp } from '../state/app-store';
import { useExport, type WizardStart } from './export-store';
import { isProfilePath, startFromSelection } from './wizard-settings';

/**
 * Export… in the toolbar: the wizard, prefilled from the selection (a node, or every series
 * below a directory), or from the selected profile.
 */
export function ExportButton() {
  const openWizard = useExport((s) => s.openWizard);
  return (
    <button onClick={() => openWizard(wizardStartFromSelection())} title="Export (Ctrl+E)">
      Export…
    </button>
  );
}

/** How Export… starts from what the tree has selected. */
export function wizardStartFromSelection(): WizardStart {
  const selected = useApp.getState().selected;
  if (selected && isProfilePath(selected.path)) return { loadProfile: selected.path };
  return { settings: startFromSelection(selected) };
}
