import type { Locator, Page } from '@playwright/test';

/** A file made in the page for a synthesized drop. */
export interface DroppedFile {
  name: string;
  /** The text of the file, or its bytes. */
  content: string | number[];
}

/**
 * Drops files on an element as the browser does when files come from the desktop: a real
 * DataTransfer holding File objects (made in the page), dispatched as dragenter, dragover and
 * drop. The events bubble to the window, where the app listens.
 */
export async function dropFiles(target: Locator, files: DroppedFile[]): Promise<void> {
  const page: Page = target.page();
  const dataTransfer = await page.evaluateHandle((list: DroppedFile[]) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const body = typeof f.content === 'string' ? f.content : new Uint8Array(f.content);
      dt.items.add(new File([body], f.name));
    }
    return dt;
  }, files);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
  await dataTransfer.dispose();
}
