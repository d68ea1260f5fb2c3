import { useEffect, type RefObject } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), ' +
  'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog keeps the keyboard: Tab from its last control goes to its first and Shift+Tab
 * from its first to its last, not to the page behind the backdrop; and when the focused control
 * goes away (a wizard's step replaced by the next), the focus goes to the dialog, not to the
 * page's body, from where Tab would reach the toolbar behind it. `box` needs a tabIndex.
 */
export function useFocusTrap(box: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab' || e.defaultPrevented) return;
      const active = document.activeElement;
      // Another modal on top of this one keeps its own keyboard.
      if (active && !el.contains(active) && active.closest('[aria-modal="true"]')) return;
      const items = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
        (x) => x.getClientRects().length > 0,
      );
      const first = items[0];
      const last = items.at(-1);
      if (!first || !last) {
        e.preventDefault();
        el.focus();
      } else if (!active || !el.contains(active)) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      } else if (e.shiftKey && (active === first || active === el)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first.focus();
      }
    };
    // The focused control was removed: the browser moved the focus to the body.
    const lost = new MutationObserver(() => {
      if (document.activeElement === document.body || document.activeElement === null) el.focus();
    });
    document.addEventListener('keydown', onKey);
    lost.observe(el, { childList: true, subtree: true });
    return () => {
      document.removeEventListener('keydown', onKey);
      lost.disconnect();
    };
  }, [box]);
}
