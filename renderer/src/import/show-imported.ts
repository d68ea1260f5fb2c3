import type { PondClient } from '../../../shared/wire';
import { useApp } from '../state/app-store';

/** After an import: the node is selected, shown in the tree and previewed (rows, or details). */
export async function showImported(client: PondClient, pond: string, path: string): Promise<void> {
  const d = await client.details({ pond, path });
  const { select, setPanel, reveal } = useApp.getState();
  if (useApp.getState().pond?.handle !== pond) return;
  // A new version of the node on screen: its panels are made afresh, so they read it again.
  if (useApp.getState().selected?.path === path) {
    select(undefined);
    await new Promise((r) => setTimeout(r, 0));
  }
  select({ name: path.slice(path.lastIndexOf('/') + 1), path, kind: d.kind, nodeId: d.nodeId });
  setPanel(d.kind === 'table' || d.kind === 'series' ? 'data' : 'details');
  reveal(path);
}
