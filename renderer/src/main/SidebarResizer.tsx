import { useView } from '../state/view-settings';

/** The handle between the tree and the panels: drag it (or use the arrow keys) to resize. */
export function SidebarResizer() {
  const width = useView((s) => s.sidebarWidth);
  const setWidth = useView((s) => s.setSidebarWidth);
  const max = () => Math.max(240, window.innerWidth - 320);
  return (
    <div
      className="sidebar-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the tree"
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={(e) => {
        e.preventDefault();
        const startX = e.clientX;
        const start = width;
        const move = (ev: PointerEvent) => setWidth(Math.min(max(), start + ev.clientX - startX));
        const up = () => {
          window.removeEventListener('pointermove', move);
          window.removeEventListener('pointerup', up);
        };
        window.addEventListener('pointermove', move);
        window.addEventListener('pointerup', up);
      }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') setWidth(width - 20);
        else if (e.key === 'ArrowRight') setWidth(Math.min(max(), width + 20));
      }}
    />
  );
}
