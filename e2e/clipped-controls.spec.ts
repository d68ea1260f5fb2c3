import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SKIP_REASON, chromiumMissing } from './support/environment';
import { openPath, shot, tab } from './support/pages';
import { useServe } from './support/serve';

// The demo pond's series at the widths users have (a 1024 px laptop to a 1920 px screen), light
// and dark, with the tree at its default width: every control of the Data, Details and History
// tabs is in view and shows its whole label (the SQL box's Export result… ran off the screen at
// every width; History's View as of and Revert…, and Details' Restore this version, at 1024 px).

test.skip(chromiumMissing, SKIP_REASON);

const served = useServe({ demo: true });

/** The visible controls that end past the window's right edge or do not fit their label. */
function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const e of Array.from(document.querySelectorAll<HTMLElement>('button, select, input'))) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const name = (e.textContent || e.getAttribute('aria-label') || e.tagName).trim();
      if (r.right > window.innerWidth + 0.5) out.push(`${name}: ends at ${Math.round(r.right)}`);
      else if (e.scrollWidth > e.clientWidth + 1) out.push(`${name}: label cut`);
    }
    return out;
  });
}

for (const [width, scheme] of [
  [1024, 'light'],
  [1400, 'dark'],
  [1920, 'light'],
] as const) {
  test(`${width} px, ${scheme}: Data, Details and History show every control whole`, async ({
    page,
  }, testInfo) => {
    await page.setViewportSize({ width, height: 800 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(served.url);
    await openPath(page, '/sites/north/water.series');
    const rows = execFileSync(process.execPath, [
      'bin/pond.js',
      '--pond',
      join(served.appData, 'demo-pond'),
      'cat',
      '/sites/north/water.series',
      '--format',
      'csv',
      '--sql',
      'SELECT count(*) FROM source',
    ])
      .toString()
      .trim()
      .split('\n')[1]!;
    await expect(page.getByText(`${Number(rows).toLocaleString('en-US')} rows`)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Export result…' })).toBeVisible();
    expect(await clipped(page), 'Data').toEqual([]);
    await shot(page, testInfo, `clipped-${width}-${scheme}-data`);
    await tab(page, 'Details').click();
    await expect(page.getByTestId('versions')).toBeVisible();
    expect(await clipped(page), 'Details').toEqual([]);
    await tab(page, 'History').click();
    await expect(page.locator('tr[data-txn="1"]')).toBeVisible();
    expect(await clipped(page), 'History').toEqual([]);
    await shot(page, testInfo, `clipped-${width}-${scheme}-history`);
  });
}

test('800 px: Export result… is in view beside the SQL box', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 700 });
  await page.goto(served.url);
  await openPath(page, '/sites/north/water.series');
  const button = page.getByRole('button', { name: 'Export result…' });
  await expect(button).toBeVisible();
  const box = (await button.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(800);
  expect(await button.evaluate((b) => b.scrollWidth <= b.clientWidth + 1)).toBe(true);
});
