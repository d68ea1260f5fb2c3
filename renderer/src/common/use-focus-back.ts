import { useEffect, useState } from 'react';

/**
 * A dialog's keyboard goes back where it was when the dialog closes (the tree, for a menu's or
 * a drop's dialog), not to the page's body, where F2, Del and the arrows do nothing. The element
 * is taken while the dialog first renders, before an `autoFocus` inside it moves the focus.
 */
export function useFocusBack(): void {
  const [opener] = useState(() => document.activeElement as HTMLElement | null);
  useEffect(
    () => () => {
      const back =
        opener && opener !== document.body && opener.isConnected
          ? opener
          : document.querySelector<HTMLElement>('[role="tree"]');
      back?.focus();
    },
    [],
  );
}
