import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { openPath, shot, tab, treeItem } from './support/pages';
import { startServe, type Served } from './support/serve';

// Editing a pond in the app (new folder, rename, move by drag, delete, restore, revert, undo)
// and the derived-node editor, against real `pond serve` processes on ponds the CLI made.

test.skip(chromiumMissing, SKIP_REASON);

/** Hourly readings of one site for two days (from hour `from`), as the CSV a logger writes. */
function sensorCsv(offset: number, from = 0): string {
  const rows = ['timestamp,temperature,conductivity'];
  for (let h = from; h < from + 48; h++) {
    const t = new Date(Date.UTC(2024, 6, 1, h)).toISOString().replace('.000Z', 'Z');
    rows.push(`${t},${(12 + offset + Math.sin(h / 4)).toFixed(3)},${400 + offset * 10 + h}`);
  }
  return rows.join('\n') + '\n';
}

/** A pond made with the CLI: two imported series, and a derived view of one of them. */
function makePond(name: string): {
  pond: string;
  dir: string;
  cli: (...args: string[]) => string;
} {
  const dir = mkdtempSync(join(e2eDir(), `${name}-`));
  const pond = join(dir, 'pond');
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['bin/pond.js', '--pond', pond, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  cli('init', '--birthplace', name);
  cli('mkdir', '-p', '/raw');
  for (const [site, offset] of [
    ['north', 0],
    ['south', 3],
  ] as const) {
    const csv = join(dir, `${site}.csv`);
    writeFileSync(csv, sensorCsv(offset));
    cli('copy', `host+csv+series://${csv}`, `/raw/${site}.series`);
  }
  // A second version of north: the next two days.
  const more = join(dir, 'north-more.csv');
  writeFileSync(more, sensorCsv(0, 48));
  cli('copy', `host+csv+series://${more}`, '/raw/north.series');
  const view = join(dir, 'view.yaml');
  writeFileSync(
    view,
    'patterns: { source: "series:///raw/north.series" }\nquery: "SELECT timestamp, temperature FROM source"\n',
  );
  cli('mkdir', '/views');
  cli('mknod', 'sql-derived-series', '/views/north-temperature.series', '--config-path', view);
  return { pond, dir, cli };
}

function latestTxn(page: Page) {
  return page.locator('.toolbar').getByText(/latest transaction \d+/);
}

async function txnOf(page: Page): Promise<number> {
  const text = (await latestTxn(page).textContent()) ?? '';
  return Number(/latest transaction (\d+)/.exec(text)![1]);
}

/** Opens the tree's context menu on a row, or on the tree's background. */
async function menu(page: Page, path?: string) {
  if (path) await treeItem(page, path).click({ button: 'right' });
  else {
    const tree = page.getByRole('tree', { name: 'Pond tree' });
    const box = (await tree.boundingBox())!;
    await tree.click({ button: 'right', position: { x: box.width / 2, y: box.height - 20 } });
  }
  const m = page.getByRole('menu');
  await expect(m).toBeVisible();
  return m;
}

const notice = (page: Page) => page.getByTestId('edit-notice');

test.describe('editing a pond', () => {
  let served: Served;
  let pond: ReturnType<typeof makePond>;
  test.beforeAll(async () => {
    pond = makePond('edit');
    served = await startServe({ path: pond.pond });
  });
  test.afterAll(async () => served?.stop());

  test('new folder, rename (F2), move by drag, delete and restore from History, revert an import, Ctrl+Z', async ({
    page,
  }, testInfo) => {
    test.setTimeout(180_000);
    await page.goto(served.url);
    await expect(treeItem(page, '/raw')).toBeVisible();
    const start = await txnOf(page);

    // New folder, from the tree's background (the root), with the keyboard's focus on /views.
    await treeItem(page, '/views').click();
    await (await menu(page)).getByRole('menuitem', { name: 'New folder…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New folder' });
    await dialog.getByRole('textbox', { name: 'Folder name' }).fill('archive');
    await shot(page, testInfo, 'edit-1-new-folder');
    await dialog.getByRole('button', { name: 'Make folder' }).click();
    await expect(treeItem(page, '/archive')).toBeVisible();
    await expect(notice(page)).toContainText(`Made the folder /archive (transaction ${start + 1})`);
    await expect(latestTxn(page)).toHaveText(new RegExp(`latest transaction ${start + 1}$`));
    await expect(treeItem(page, '/archive')).toHaveAttribute('aria-selected', 'true');

    // The keyboard is back in the tree, on the new folder (a row listed above /views did not
    // move it onto /raw): F2 renames it in place, and the selection follows.
    await expect(page.getByRole('tree', { name: 'Pond tree' })).toBeFocused();
    await expect(treeItem(page, '/archive')).toHaveClass(/focused/);
    await page.keyboard.press('F2');
    const field = page.getByRole('textbox', { name: 'New name for /archive' });
    await expect(field).toBeFocused();
    await shot(page, testInfo, 'edit-2-rename');
    await field.fill('old');
    await field.press('Enter');
    await expect(treeItem(page, '/old')).toBeVisible();
    await expect(treeItem(page, '/archive')).toHaveCount(0);
    await expect(treeItem(page, '/old')).toHaveAttribute('aria-selected', 'true');
    await expect(page.locator('.selected-path')).toHaveText('/old');
    await expect(notice(page)).toContainText('Renamed /archive to /old');

    // Move by dragging a series onto the folder: the derived view that read it is named.
    await treeItem(page, '/raw').click();
    await expect(treeItem(page, '/raw/north.series')).toBeVisible();
    await treeItem(page, '/raw/north.series').dragTo(treeItem(page, '/old'));
    await expect(treeItem(page, '/old/north.series')).toBeVisible();
    await expect(treeItem(page, '/raw/north.series')).toHaveCount(0);
    await expect(notice(page)).toContainText('Moved /raw/north.series into /old');
    await expect(page.getByTestId('edit-readers')).toContainText(
      '/views/north-temperature.series (sql-derived-series) read /raw/north.series, which moved or went',
    );
    await shot(page, testInfo, 'edit-3-moved-by-drag');

    // Delete, with a confirmation that says History brings it back.
    await treeItem(page, '/old').click();
    await page.keyboard.press('Delete');
    const confirm = page.getByRole('dialog', { name: 'Delete /old?' });
    await expect(confirm).toContainText('History can bring it back');
    await shot(page, testInfo, 'edit-4-delete-confirm');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(treeItem(page, '/old')).toHaveCount(0);
    const deleted = await txnOf(page);

    // Restore it from History: the folder and what was in it.
    await tab(page, 'History').click();
    const row = page.locator(`tr[data-txn="${deleted}"]`);
    await expect(row).toContainText('app rm -r /old');
    await row
      .getByRole('button', { name: `Restore /old from before transaction ${deleted}` })
      .click();
    await expect(notice(page)).toContainText(`Restored /old as of transaction ${deleted - 1}`);
    await expect(treeItem(page, '/old')).toBeVisible();
    await treeItem(page, '/old').click();
    await expect(treeItem(page, '/old/north.series')).toBeVisible();
    await expect(page.locator(`tr[data-txn="${deleted + 1}"]`)).toContainText('restored /old');
    await shot(page, testInfo, 'edit-5-restored-from-history');

    // Revert the import of south.series (made by `pond copy`): its plan first.
    await tab(page, 'History').click();
    const imported = page.locator('tr[data-txn]', { hasText: '/raw/south.series' }).filter({
      hasText: 'copy',
    });
    const importTxn = Number(await imported.getAttribute('data-txn'));
    await imported.getByRole('button', { name: `Revert transaction ${importTxn}` }).click();
    const plan = page.getByTestId('revert-plan');
    await expect(plan).toContainText('remove /raw/south.series');
    await shot(page, testInfo, 'edit-6-revert-plan');
    await plan.getByRole('button', { name: 'Revert', exact: true }).click();
    await expect(notice(page)).toContainText(`Reverted transaction ${importTxn}`);
    await expect(treeItem(page, '/raw/south.series')).toHaveCount(0);

    // Ctrl+Z undoes the app's last transaction (the revert): south.series is back.
    await page.getByRole('tree', { name: 'Pond tree' }).focus();
    await page.keyboard.press('Control+z');
    await expect(notice(page)).toContainText('Undid revert of transaction');
    await expect(treeItem(page, '/raw/south.series')).toBeVisible();
    await shot(page, testInfo, 'edit-7-undo');

    // Details: restore the first version of north.series (it read two days; now four).
    await openPath(page, '/old/north.series');
    await tab(page, 'Details').click();
    const versions = page.getByTestId('versions');
    await expect(versions.locator('tbody tr')).toHaveCount(2);
    const first = versions.locator('tbody tr').first();
    const firstTxn = Number(await first.locator('td').nth(1).textContent());
    await first
      .getByRole('button', { name: /Restore \/old\/north.series as of transaction/ })
      .click();
    await expect(notice(page)).toContainText(
      `Restored /old/north.series as of transaction ${firstTxn}`,
    );
    await expect(versions.locator('tbody tr')).toHaveCount(3);
    await tab(page, 'Data').click();
    await expect(page.getByTestId('total-rows')).toHaveText('48 rows');
    await shot(page, testInfo, 'edit-8-restored-version');

    // Undo stops where a later transaction (the CLI's) touched the same paths, and says so.
    pond.cli('copy', `host+csv+series://${join(pond.dir, 'north-more.csv')}`, '/old/north.series');
    await page.getByRole('tree', { name: 'Pond tree' }).focus();
    await page.keyboard.press('Control+z');
    await expect(notice(page)).toContainText('Cannot undo restore of transaction');
    await expect(notice(page)).toContainText('a later change touched the same paths');
    await expect(notice(page)).toContainText('/old/north.series');
    await shot(page, testInfo, 'edit-9-undo-refused');

    // From the keyboard: Shift+F10 opens the menu on the focused row; Move to… a folder by path.
    await treeItem(page, '/raw/south.series').click();
    await page.keyboard.press('Shift+F10');
    await page.getByRole('menuitem', { name: /Move to…/ }).press('Enter');
    const moveTo = page.getByRole('dialog', { name: 'Move /raw/south.series' });
    await moveTo.getByRole('textbox', { name: 'Destination folder' }).fill('/views');
    await moveTo.getByRole('textbox', { name: 'Destination folder' }).press('Enter');
    await expect(treeItem(page, '/views/south.series')).toBeVisible();
    await expect(treeItem(page, '/views/south.series')).toHaveAttribute('aria-selected', 'true');
  });
});

const BAD_REDUCE = `in_pattern: "series:///raw/*.series"
out_pattern: "$0"
resolutions: ["1h", "6x"]
aggregations:
  - type: avg
`;

test.describe('the derived-node editor', () => {
  let served: Served;
  test.beforeAll(async () => {
    const { pond } = makePond('nodes');
    served = await startServe({ path: pond });
  });
  test.afterAll(async () => served?.stop());

  test('a temporal-reduce: an error shown inline, fixed, previewed, created; the raw series offers it', async ({
    page,
  }, testInfo) => {
    test.setTimeout(180_000);
    await page.goto(served.url);
    await expect(treeItem(page, '/raw')).toBeVisible();
    await (await menu(page)).getByRole('menuitem', { name: 'New derived node…' }).click();
    const editor = page.getByRole('dialog', { name: 'New derived node' });
    await editor.getByRole('radio', { name: /temporal-reduce/ }).check();
    await editor.getByRole('textbox', { name: 'Node path' }).fill('/reduced');
    const yaml = editor.getByRole('textbox', { name: 'Factory config (YAML)' });
    await yaml.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    // Completion of the factory's keys.
    await page.keyboard.type('res');
    await expect(page.locator('.cm-tooltip-autocomplete')).toContainText('resolutions');
    await shot(page, testInfo, 'node-1-completion');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(BAD_REDUCE);

    // The engine's error, in place and listed.
    const problems = editor.getByTestId('config-problems');
    await expect(problems).toContainText(
      "resolutions[1]: '6x' is not a duration: unknown unit 'x'",
    );
    await expect(editor.locator('.cm-problem-error')).toHaveText('"6x"');
    await expect(editor.getByRole('button', { name: 'Create' })).toBeDisabled();
    await shot(page, testInfo, 'node-2-error-inline');

    // Fixed: previewed before anything is written.
    const before = await txnOf(page);
    await yaml.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(BAD_REDUCE.replace('"6x"', '"6h"'));
    await expect(editor.getByTestId('check-state')).toHaveText('Ready');
    await expect(problems).toHaveCount(0);
    const output = editor.getByRole('combobox', { name: 'Output to preview' });
    await expect(output).toHaveValue('/reduced/north/res=1h.series');
    await expect(output.locator('option')).toHaveText([
      '/reduced/north/res=1h.series (series)',
      '/reduced/north/res=6h.series (series)',
      '/reduced/south/res=1h.series (series)',
      '/reduced/south/res=6h.series (series)',
    ]);
    await output.selectOption('/reduced/north/res=6h.series');
    // North has four days of hourly readings (two versions): 16 six-hour buckets.
    await expect(editor.getByTestId('total-rows')).toHaveText('16 rows');
    await shot(page, testInfo, 'node-3-preview-rows');
    await editor.getByRole('tab', { name: 'Chart' }).click();
    await expect(editor.getByTestId('chart')).toBeVisible();
    await shot(page, testInfo, 'node-4-preview-chart');
    expect(await txnOf(page)).toBe(before);
    await expect(treeItem(page, '/reduced')).toHaveCount(0);

    // Create: one transaction; the node and its outputs appear in the tree.
    await editor.getByRole('button', { name: 'Create' }).click();
    await expect(editor).toHaveCount(0);
    await expect(notice(page)).toContainText(
      `Made /reduced [temporal-reduce] (transaction ${before + 1})`,
    );
    await expect(treeItem(page, '/reduced')).toHaveAttribute('aria-selected', 'true');
    await expect(treeItem(page, '/reduced')).toContainText('temporal-reduce');
    await openPath(page, '/reduced/south/res=6h.series');
    await expect(treeItem(page, '/reduced/south/res=1h.series')).toBeVisible();
    await shot(page, testInfo, 'node-5-created');

    // The raw series' chart offers the downsampled views that read it.
    await openPath(page, '/raw/north.series');
    await tab(page, 'Chart').click();
    const views = page.getByRole('combobox', { name: 'Downsampled view' });
    await expect(views.locator('option')).toHaveText([
      'this series (raw)',
      'res=1h (/reduced)',
      'res=6h (/reduced)',
    ]);
    await views.selectOption('/reduced/north/res=6h.series');
    await expect(page.locator('.chart-note')).toContainText('16 points');
    await expect(page.getByRole('checkbox', { name: 'temperature.avg' })).toBeChecked();
    await shot(page, testInfo, 'node-6-raw-series-views');

    // Edit the node's config the same way: a new version of it.
    await (
      await menu(page, '/reduced')
    )
      .getByRole('menuitem', { name: 'Edit derived node…' })
      .click();
    const edit = page.getByRole('dialog', { name: 'Edit derived node /reduced' });
    await expect(edit.getByTestId('check-state')).toHaveText('Ready');
    await edit.getByRole('textbox', { name: 'Factory config (YAML)' }).click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(BAD_REDUCE.replace('"6x"', '"12h"'));
    await expect(edit.getByTestId('check-state')).toHaveText('Ready');
    await expect(
      edit.getByRole('combobox', { name: 'Output to preview' }).locator('option'),
    ).toContainText(['/reduced/north/res=12h.series (series)']);
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(notice(page)).toContainText(
      `Saved the config of /reduced [temporal-reduce] (transaction ${before + 2})`,
    );
    await openPath(page, '/reduced/north/res=12h.series');
    await shot(page, testInfo, 'node-7-edited');
  });
});
