import type { EntryKind } from '../../../shared/api';

/** The CLI's type tags (`pond list`), drawn as badges: they render without an emoji font. */
const TAGS: Record<EntryKind, string> = {
  directory: 'DIR',
  symlink: 'LINK',
  data: 'FILE',
  table: 'TBL',
  series: 'SER',
};

export function EntryIcon({ kind }: { kind: EntryKind }) {
  return (
    <span className={`icon icon-${kind}`} aria-hidden="true">
      {TAGS[kind]}
    </span>
  );
}
