import { useEffect, useRef, type ReactNode } from 'react';
import { useFocusBack } from '../common/use-focus-back';
import { useFocusTrap } from '../common/use-focus-trap';

/** A small modal dialog: Esc or ✕ closes it (unless busy); focus starts in it, and goes back. */
export function Dialog({
  title,
  onClose,
  busy = false,
  children,
  footer,
  className = '',
}: {
  title: string;
  onClose(): void;
  busy?: boolean;
  children: ReactNode;
  footer: ReactNode;
  className?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useFocusBack();
  useFocusTrap(box);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>('input, textarea, [data-autofocus]');
    (first ?? box.current)?.focus();
  }, []);
  return (
    <div className="dialog-backdrop">
      <div
        ref={box}
        tabIndex={-1}
        className={`dialog small-dialog ${className}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onKeyDown={(e) => {
          // Not an Esc something inside used (closing a completion list, a menu).
          if (e.key === 'Escape' && !busy && !e.defaultPrevented) {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <header className="dialog-head">
          <h2>{title}</h2>
          <span className="spacer" />
          <button aria-label="Close" disabled={busy} onClick={onClose}>
            ✕
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        <footer className="dialog-foot">{footer}</footer>
      </div>
    </div>
  );
}
