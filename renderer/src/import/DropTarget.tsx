import { useEffect, useState } from 'react';
import { useApp } from '../state/app-store';
import { useImport, type ImportDest } from './import-store';
import { suggestedDirectory } from './suggested-directory';

interface Hover {
  label: string;
  /** The tree row the files would land on (absent: the window). */
  rect?: { top: number; left: number; width: number; height: number };
  refused?: boolean;
}

/**
 * Host files dragged over the window: dropped on a directory of the tree they are imported into
 * it, on a file they become its new version, anywhere else the wizard asks for the directory.
 * Only drags that carry files (DataTransfer type `Files`) are ours: a drag inside the tree (a
 * move) carries none and is left alone. The highlight never takes the pointer, so what lies
 * under it decides.
 */
export function DropTarget() {
  const [hover, setHover] = useState<Hover>();

  useEffect(() => {
    let depth = 0;
    const carriesFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const destOf = (e: DragEvent): { dest?: ImportDest; row?: Element } => {
      const row = (e.target as Element | null)?.closest?.('[role="treeitem"][data-path]');
      const path = row?.getAttribute('data-path');
      const kind = row?.getAttribute('data-kind');
      if (!row || !path || !kind || kind === 'symlink') return {};
      return { dest: { path, kind: kind as ImportDest['kind'] }, row };
    };
    const onEnter = (e: DragEvent) => {
      if (carriesFiles(e)) depth++;
    };
    const onLeave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setHover(undefined);
    };
    const onOver = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      const { pond, asOf } = useApp.getState();
      if (!pond || asOf) {
        e.dataTransfer!.dropEffect = 'none';
        setHover({
          refused: true,
          label: asOf
            ? `This is the pond as of transaction ${asOf.txn}: return to the latest to import`
            : 'Open a pond to import files into it',
        });
        return;
      }
      e.dataTransfer!.dropEffect = 'copy';
      const { wizard, refusal } = useImport.getState();
      if (wizard) {
        // The wizard is modal: its own directory holds what is dropped on it.
        setHover(
          refusal
            ? { refused: true, label: `Not added: ${refusal}` }
            : { label: 'Drop to add these files to the import' },
        );
        return;
      }
      const { dest, row } = destOf(e);
      if (!dest || !row) {
        setHover({ label: 'Drop to import: you choose the directory next' });
        return;
      }
      const r = row.getBoundingClientRect();
      setHover({
        label:
          dest.kind === 'directory' ? `Import into ${dest.path}` : `New version of ${dest.path}`,
        rect: { top: r.top, left: r.left, width: r.width, height: r.height },
      });
    };
    const onDrop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setHover(undefined);
      const { pond, asOf } = useApp.getState();
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (!pond || asOf || files.length === 0) return;
      // An open wizard takes them, or says why it cannot: a drop never vanishes.
      const { dest } = useImport.getState().wizard ? {} : destOf(e);
      useImport
        .getState()
        .openWizard(dest ? { dest, files } : { files, suggested: suggestedDirectory() });
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  if (!hover) return null;
  return (
    <div
      className={`drop-overlay${hover.rect ? ' on-row' : ''}${hover.refused ? ' refused' : ''}`}
      data-testid="drop-overlay"
    >
      {hover.rect ? <div className="drop-row" style={hover.rect} /> : null}
      <div className="drop-label" role="status">
        {hover.label}
      </div>
    </div>
  );
}
