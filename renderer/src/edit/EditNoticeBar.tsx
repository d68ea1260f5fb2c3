import { ErrorView } from '../common/ErrorView';
import { useEdit } from './edit-store';

/**
 * What the last edit did (and the derived nodes whose inputs it moved, took away or brought:
 * their configs are never rewritten), or why it was refused; until dismissed or the next edit.
 */
export function EditNoticeBar() {
  const notice = useEdit((s) => s.notice);
  const dismiss = () => useEdit.getState().setNotice(undefined);
  if (!notice) return null;
  const lost = (notice.readers ?? []).filter((r) => r.lost.length > 0);
  const gained = (notice.readers ?? []).filter((r) => r.gained.length > 0);
  return (
    <div
      className={`edit-notice ${notice.kind}`}
      role={notice.kind === 'refused' ? 'alert' : 'status'}
      data-testid="edit-notice"
    >
      <div className="edit-notice-text">
        <span>{notice.text}</span>
        {notice.error ? <ErrorView error={notice.error} /> : null}
        {lost.length > 0 || gained.length > 0 || (notice.unchecked ?? []).length > 0 ? (
          <ul className="edit-readers" data-testid="edit-readers">
            {lost.map((r) => (
              <li key={`lost ${r.path}`}>
                Derived node <span className="mono">{r.path}</span> ({r.factory}) read{' '}
                {r.lost.join(', ')}, which moved or went: its config is unchanged.
              </li>
            ))}
            {gained.map((r) => (
              <li key={`gained ${r.path}`}>
                Derived node <span className="mono">{r.path}</span> ({r.factory}) now reads{' '}
                {r.gained.join(', ')}.
              </li>
            ))}
            {(notice.unchecked ?? []).map((u) => (
              <li key={`unchecked ${u.path}`}>
                Could not check what <span className="mono">{u.path}</span> reads: {u.reason}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <button onClick={dismiss} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
