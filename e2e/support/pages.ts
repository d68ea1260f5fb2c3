import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';

export function treeItem(page: Page, path: string): Locator {
  return page.locator(`[role="treeitem"][data-path="${path}"]`);
}

/** Clicks through the tree to `path` (expanding its directories) and selects it. */
export async function openPath(page: Page, path: string): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const p = '/' + parts.slice(0, i).join('/');
    const item = treeItem(page, p);
    await expect(item).toBeVisible();
    if (i < parts.length) {
      if ((await item.getAttribute('aria-expanded')) !== 'true') await item.click();
      await expect(item).toHaveAttribute('aria-expanded', 'true');
    } else {
      await item.click();
      await expect(item).toHaveAttribute('aria-selected', 'true');
    }
  }
}

export function tab(page: Page, name: string): Locator {
  return page.getByRole('tab', { name, exact: true });
}

/** A grid cell by 0-based data row and column name. */
export async function cell(page: Page, row: number, column: string): Promise<Locator> {
  const headers = await page.getByRole('columnheader').locator('.col-name').allTextContents();
  const index = headers.findIndex((h) => h.trim().replace(/ [▲▼]$/, '') === column);
  if (index < 0) throw new Error(`no column ${column} among ${headers.join(', ')}`);
  return page
    .locator(`[role="row"][aria-rowindex="${row + 2}"]`)
    .getByRole('gridcell')
    .nth(index);
}

/** A screenshot of the screen as a test artifact (in the Playwright output folder). */
export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
