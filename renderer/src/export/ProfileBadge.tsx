import { useExport } from './export-store';

/** In the tree, on an export profile: what it is, and a way to open it in the wizard. */
export function ProfileBadge({ path }: { path: string }) {
  const openWizard = useExport((s) => s.openWizard);
  return (
    <>
      <span className="derived">export profile</span>
      <button
        className="link"
        aria-label={`Open the export profile ${path} in the wizard`}
        onClick={(e) => {
          e.stopPropagation();
          openWizard({ loadProfile: path });
        }}
      >
        Export…
      </button>
    </>
  );
}
