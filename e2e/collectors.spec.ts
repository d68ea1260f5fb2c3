import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { HydroVuStandIn } from '../bench/hydrovu-stand-in';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { openPath, shot, tab, treeItem } from './support/pages';
import { startServe, useServe, type Served } from './support/serve';

/** The node editor, opened from the tree's empty space (below its last row) on a fresh page. */
async function openNodeEditor(page: Page, url: string): Promise<Locator> {
  await page.goto(url);
  const tree = page.getByRole('tree', { name: 'Pond tree' });
  await expect(treeItem(page, '/system')).toBeVisible();
  const box = (await tree.boundingBox())!;
  await tree.click({ button: 'right', position: { x: box.width / 2, y: box.height - 20 } });
  await page.getByRole('menuitem', { name: 'New derived node…' }).click();
  return page.getByRole('dialog', { name: 'New derived node' });
}

test.skip(chromiumMissing, SKIP_REASON);

const DEMO_COLLECTOR = '/system/etc/20-hydrovu';

test.describe('the Collectors view on the demo pond', () => {
  const served = useServe({ demo: true });

  test('the node editor at 800 px: every factory’s description reads whole', async ({
    page,
  }, testInfo) => {
    await page.setViewportSize({ width: 800, height: 900 });
    const editor = await openNodeEditor(page, served.url);
    const docs = editor.locator('.factory-doc');
    await expect(docs.first()).toBeVisible();
    // Each description lies inside the picker and the dialog, nothing of it scrolled or cut off.
    const cut = await editor.evaluate((dialog) => {
      const within = (r: DOMRect, o: DOMRect) => r.left >= o.left - 0.5 && r.right <= o.right + 0.5;
      const out: string[] = [];
      const clips = (e: Element) => e.scrollWidth > e.clientWidth + 1;
      for (const doc of Array.from(dialog.querySelectorAll<HTMLElement>('.factory-doc'))) {
        const r = doc.getBoundingClientRect();
        for (let e = doc.parentElement; e && e !== dialog.parentElement; e = e.parentElement) {
          if (clips(e) && getComputedStyle(e).overflowX !== 'visible')
            out.push(`${doc.textContent}: cut by ${e.className}`);
          if (!within(r, e.getBoundingClientRect()))
            out.push(`${doc.textContent}: outside ${e.className}`);
        }
      }
      return out;
    });
    expect(cut).toEqual([]);
    await shot(page, testInfo, 'node-editor-800');
  });

  test('hydrovu’s example in the node editor keeps its credentials in the environment, and says when they are not set', async ({
    page,
  }, testInfo) => {
    const editor = await openNodeEditor(page, served.url);
    // hydrovu's example names its credentials by environment variable: no secret in clear.
    await editor.getByRole('radio', { name: /hydrovu/ }).check();
    const yaml = editor.getByRole('textbox', { name: 'Factory config (YAML)' });
    await expect(yaml).toContainText('client_id: ${env:HYDROVU_CLIENT_ID}');
    await expect(yaml).toContainText('client_secret: ${env:HYDROVU_CLIENT_SECRET}');
    const problems = editor.getByTestId('config-problems');
    // pond serve runs without them here: the check says so, naming both, and nothing is made.
    await expect(editor.getByTestId('check-state')).toHaveText('1 error: fix it to create');
    await expect(problems).toContainText(
      'environment variables HYDROVU_CLIENT_ID, HYDROVU_CLIENT_SECRET are not set where this config is read',
    );
    await expect(problems).not.toContainText('stored in the pond as written');
    await expect(editor.getByRole('button', { name: 'Create' })).toBeDisabled();
    await shot(page, testInfo, 'node-editor-hydrovu-env');
  });

  test('Run now collects from the simulated source: the run, its log and the new rows show', async ({
    page,
  }, testInfo) => {
    await page.goto(served.url);
    await tab(page, 'Collectors').click();
    const collector = page.locator(`section[data-collector="${DEMO_COLLECTOR}"]`);
    await expect(collector).toContainText('hydrovu');
    await expect(collector).toContainText('Never run.');
    await collector.getByText('Config').click();
    await expect(collector.locator('pre.yaml')).toContainText('simulated: true');

    await page.getByRole('button', { name: `Run ${DEMO_COLLECTOR} now` }).click();
    const status = collector.getByRole('status');
    await expect(status).toContainText('added');
    await expect(status).toContainText(/\d+ rows from 2 of 2 devices/);
    await expect(collector.getByRole('list', { name: 'Added' })).toContainText(
      '/hydrovu/devices/1001/pier_active.series v1',
    );
    await collector.getByText(/The last run's log/).click();
    await expect(collector.getByLabel("The last run's log")).toContainText(
      'device pier: page 1: 4000 readings',
    );
    await shot(page, testInfo, 'collectors-ran');

    // The rows are in the pond, and the tree shows them without a reload.
    await expect(treeItem(page, '/hydrovu')).toBeVisible();
    await openPath(page, '/hydrovu/devices/1001/pier_active.series');
    await tab(page, 'Data').click();
    await expect(page.getByRole('grid')).toBeVisible();
    await expect(page.getByRole('columnheader', { name: /Temperature\.C/ })).toBeVisible();

    // The transaction is in the history, named for the node and the command.
    await tab(page, 'History').click();
    await expect(page.getByRole('table', { name: 'Transactions' })).toContainText(
      `app run ${DEMO_COLLECTOR} collect`,
    );
  });
});

test.describe('a collector that takes a while', () => {
  let served: Served;
  let standIn: HydroVuStandIn;
  let pond: string;
  test.beforeAll(async () => {
    standIn = await HydroVuStandIn.start({
      clientId: 'e2e',
      clientSecret: 'e2e-secret',
      pageTimes: 20,
      devices: [
        {
          id: 5,
          name: 'slow',
          start: Date.UTC(2024, 0, 1) / 1000,
          stepS: 60,
          count: 2000,
          parameters: [{ parameterId: '1', unitId: '1' }],
        },
      ],
    });
    standIn.pageDelayMs = 300;
    const dir = mkdtempSync(join(e2eDir(), 'collectors-'));
    pond = join(dir, 'pond');
    cpSync(join(e2eDir(), 'demo-app-data', 'demo-pond'), pond, { recursive: true });
    const config = join(dir, 'slow.yaml');
    writeFileSync(
      config,
      `client_id: e2e\nclient_secret: \${env:E2E_HYDROVU_SECRET}\nmax_points_per_run: 100000\nhydrovu_path: /slow\nbase_url: ${standIn.url}\ndevices: [{ name: slow, id: 5 }]\n`,
    );
    execFileSync(
      process.execPath,
      [
        'bin/pond.js',
        '--pond',
        pond,
        'mknod',
        'hydrovu',
        '/system/etc/30-slow',
        '--config-path',
        config,
      ],
      { stdio: 'pipe', env: { ...process.env, E2E_HYDROVU_SECRET: 'e2e-secret' } },
    );
    process.env['E2E_HYDROVU_SECRET'] = 'e2e-secret'; // pond serve reads it when the run starts
    served = await startServe({ path: pond });
  });
  test.afterAll(async () => {
    await served?.stop();
    await standIn?.close();
  });

  test('Run now shows progress and the log as it goes, and Cancel writes nothing', async ({
    page,
  }, testInfo) => {
    await page.goto(served.url);
    await tab(page, 'Collectors').click();
    const collector = page.locator('section[data-collector="/system/etc/30-slow"]');
    await expect(collector.locator('pre.yaml')).toContainText(
      'client_secret: ${env:E2E_HYDROVU_SECRET}',
    );
    await page.getByRole('button', { name: 'Run /system/etc/30-slow now' }).click();
    const log = collector.getByLabel("The run's log");
    await expect(log).toContainText('device slow: page 2: 20 readings');
    await expect(collector.locator('.job progress')).toBeVisible();
    await shot(page, testInfo, 'collector-running');
    await collector.getByRole('button', { name: 'Cancel' }).click();
    await expect(collector.getByRole('status')).toContainText('cancelled');
    await expect(collector.getByRole('status')).toContainText('nothing was written');
    await tab(page, 'History').click();
    await expect(page.getByRole('table', { name: 'Transactions' })).not.toContainText(
      'run /system/etc/30-slow',
    );
  });
  test('Run now clicked twice quickly starts one run', async ({ page }) => {
    await page.goto(served.url);
    await tab(page, 'Collectors').click();
    const collector = page.locator('section[data-collector="/system/etc/30-slow"]');
    const tokens = standIn.tokensIssued;
    await page.getByRole('button', { name: 'Run /system/etc/30-slow now' }).dblclick();
    await expect(collector.getByLabel("The run's log")).toContainText('device slow: page 1');
    // Each run asks HydroVu for its own token.
    expect(standIn.tokensIssued - tokens).toBe(1);
    await collector.getByRole('button', { name: 'Cancel' }).click();
    await expect(collector.getByRole('status')).toContainText('cancelled');
    expect(standIn.tokensIssued - tokens).toBe(1);
  });
  test('a collector made in the node editor keeps its secret in the server’s environment (${env:VAR})', async ({
    page,
  }, testInfo) => {
    const editor = await openNodeEditor(page, served.url);
    await editor.getByRole('radio', { name: /hydrovu/ }).check();
    await editor.getByRole('textbox', { name: 'Node path' }).fill('/system/etc/40-app');
    await editor.getByRole('textbox', { name: 'Factory config (YAML)' }).click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(
      `client_id: e2e\nclient_secret: \${env:E2E_HYDROVU_SECRET}\nmax_points_per_run: 10\nhydrovu_path: /app\nbase_url: ${standIn.url}\ndevices: [{ name: slow, id: 5 }]\n`,
    );
    // Only the client id, written as it is, is warned about: the secret is a reference.
    await expect(editor.getByTestId('check-state')).toHaveText('Ready (1 warning)');
    const problems = editor.getByTestId('config-problems');
    await expect(problems).toContainText('client_id is stored in the pond as written');
    await expect(problems).not.toContainText('client_secret');
    await shot(page, testInfo, 'collector-from-app-env-secret');
    await editor.getByRole('button', { name: 'Create' }).click();
    await expect(editor).toHaveCount(0);
    await tab(page, 'Collectors').click();
    const made = page.locator('section[data-collector="/system/etc/40-app"]');
    await made.getByText('Config').click();
    // Stored and shown as the reference: the secret itself is nowhere in the pond.
    await expect(made.locator('pre.yaml')).toContainText(
      'client_secret: ${env:E2E_HYDROVU_SECRET}',
    );
    expect(
      execFileSync(process.execPath, ['bin/pond.js', '--pond', pond, 'cat', '/system/etc/40-app'], {
        encoding: 'utf8',
      }),
    ).not.toContain('e2e-secret');
  });
});
