import { useEffect, useRef, useState } from 'react';
import { useEdit } from './edit-store';
import { rename } from './edits';
import { nameOf } from './paths';

/**
 * The name of a tree row being renamed (F2), in place: Enter or leaving the field renames,
 * Esc keeps the old name. The name is selected up to its extension, as file managers do.
 */
export function RenameField({ path, onDone }: { path: string; onDone(): void }) {
  const old = nameOf(path);
  const [name, setName] = useState(old);
  const input = useRef<HTMLInputElement>(null);
  const finished = useRef(false);

  useEffect(() => {
    const el = input.current!;
    el.focus();
    const dot = old.lastIndexOf('.');
    el.setSelectionRange(0, dot > 0 ? dot : old.length);
  }, [old]);

  const finish = (commit: boolean) => {
    if (finished.current) return;
    finished.current = true;
    useEdit.getState().rename(undefined);
    onDone();
    const next = name.trim();
    if (commit && next !== '' && next !== old) void rename(path, next);
  };

  return (
    <input
      ref={input}
      className="rename-field"
      aria-label={`New name for ${path}`}
      value={name}
      onChange={(e) => setName(e.target.value)}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') finish(true);
        else if (e.key === 'Escape') finish(false);
      }}
      onBlur={() => finish(true)}
    />
  );
}
