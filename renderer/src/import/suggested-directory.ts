import { useApp } from '../state/app-store';

/** The directory Import… and a drop on the window propose: the selected one, or its parent. */
export function suggestedDirectory(): string {
  const selected = useApp.getState().selected;
  if (!selected) return '/';
  if (selected.kind === 'directory') return selected.path;
  return selected.path.slice(0, selected.path.lastIndexOf('/')) || '/';
}
