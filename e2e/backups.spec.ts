import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { shot, tab } from './support/pages';
import { startServe, type Served } from './support/serve';

test.skip(chromiumMissing, SKIP_REASON);

let served: Served;
let dir: string;
test.beforeAll(async () => {
  // A copy of the demo pond with two backups: a folder, and one whose folder cannot be made.
  dir = mkdtempSync(join(e2eDir(), 'backups-'));
  const pond = join(dir, 'pond');
  cpSync(join(e2eDir(), 'demo-app-data', 'demo-pond'), pond, { recursive: true });
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['bin/pond.js', '--pond', pond, ...args], { stdio: 'pipe' });
  cli('backup', 'add', 'usb', `file://${join(dir, 'usb')}`);
  cli('backup', 'add', 'broken', `file://${join(dir, 'usb2')}`);
  // The second backup's folder becomes a plain file after it was added: every push fails.
  writeFileSync(join(dir, 'usb2'), 'not a folder');
  served = await startServe({ path: pond });
});
test.afterAll(async () => {
  await served?.stop();
});

test('the Backups view shows each backup, pushes one now, and shows a failing one with its cause', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await tab(page, 'Backups').click();
  const table = page.getByRole('table', { name: 'Backups' });
  const usb = table.locator('tr[data-backup="usb"]');
  const broken = table.locator('tr[data-backup="broken"]');
  await expect(usb.locator('.backup-state')).toHaveText('never pushed');
  await expect(usb).toContainText(`file://${join(dir, 'usb')}`);

  await page.getByRole('button', { name: 'Push usb now' }).click();
  await expect(usb.getByRole('status')).toContainText(/Pushed transactions 0–\d+: \d+ objects/);
  await expect(usb.locator('.backup-state')).toHaveText('up to date');
  await expect(usb).toContainText(/transaction \d+/);
  await shot(page, testInfo, 'backups-pushed');

  // Pushing again sends nothing.
  await page.getByRole('button', { name: 'Push usb now' }).click();
  await expect(usb.getByRole('status')).toContainText(/Up to date at transaction \d+/);

  await page.getByRole('button', { name: 'Push broken now' }).click();
  await expect(broken.locator('.backup-state')).toHaveText('failing');
  await expect(broken.getByRole('alert').first()).toContainText('REMOTE');
  await expect(broken.getByRole('alert').first()).toContainText(join(dir, 'usb2'));
  await shot(page, testInfo, 'backups-failing');
});
