import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SKIP_REASON, chromiumMissing, e2eDir } from './support/environment';
import { shot, tab } from './support/pages';
import { startServe, type Served } from './support/serve';

// A collector whose HydroVu cannot be reached (a port nothing listens on, on 127.0.0.1), run
// from the Collectors view of a real `pond serve`: the failure reads once in the collector's
// card, in words (not the job's identifier), and nothing is written.

test.skip(chromiumMissing, SKIP_REASON);

const COLLECTOR = '/system/etc/hydrovu';
let pondDir: string;
let served: Served;

/** A port on 127.0.0.1 that refuses connections: taken, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test.beforeAll(async () => {
  const dir = mkdtempSync(join(e2eDir(), 'collector-failure-'));
  pondDir = join(dir, 'pond');
  const pond = (...args: string[]) =>
    execFileSync(process.execPath, ['bin/pond.js', '--pond', pondDir, ...args]);
  pond('init', '--birthplace', 'e2e');
  pond('mkdir', '-p', '/system/etc');
  writeFileSync(
    join(dir, 'hydrovu.yaml'),
    [
      'client_id: ${env:POND_E2E_HYDROVU_ID}',
      'client_secret: ${env:POND_E2E_HYDROVU_SECRET}',
      `base_url: http://127.0.0.1:${await closedPort()}`,
      'retries: 1',
      'max_points_per_run: 1000',
      'retry_delay: 50ms',
      'hydrovu_path: /hydrovu',
      'devices:',
      '  - { name: pier, id: 1001 }',
      '',
    ].join('\n'),
  );
  const env = { POND_E2E_HYDROVU_ID: 'id', POND_E2E_HYDROVU_SECRET: 'secret' };
  execFileSync(
    process.execPath,
    [
      'bin/pond.js',
      '--pond',
      pondDir,
      'mknod',
      'hydrovu',
      COLLECTOR,
      '--config-path',
      join(dir, 'hydrovu.yaml'),
    ],
    { env: { ...process.env, ...env } },
  );
  served = await startServe({ path: pondDir }, { env });
});
test.afterAll(async () => {
  await served?.stop();
});

test('a run that cannot reach HydroVu: failed, its reason once in the card, "Collector run failed" in the jobs bar, no transaction', async ({
  page,
}, testInfo) => {
  await page.goto(served.url);
  await expect(page.locator('.toolbar')).toContainText('latest transaction 3');
  await tab(page, 'Collectors').click();
  const card = page.getByRole('region', { name: `Collector ${COLLECTOR}` });
  await expect(card).toContainText('Never run.');
  await card.getByRole('button', { name: `Run ${COLLECTOR} now` }).click();

  const status = card.getByRole('status');
  await expect(status.locator('.run-state')).toHaveText('failed');
  const reason = 'HydroVu did not give a token after 2 attempts';
  await expect(card.getByRole('alert').first()).toContainText(reason);
  // The reason once: not again as the run's summary line above it.
  expect((await card.innerText()).split(reason).length - 1).toBe(1);
  await expect(card.getByText("The last run's log (1 line)", { exact: true })).toBeVisible();

  const jobs = page.getByRole('status', { name: 'Jobs' });
  await expect(jobs).toContainText('Collector run failed');
  await expect(jobs).not.toContainText('run-collector');
  await shot(page, testInfo, 'collector-failed');

  // Nothing was written: the pond is still at its third transaction.
  const log = execFileSync(process.execPath, ['bin/pond.js', '--pond', pondDir, 'log']).toString();
  expect(log.split('\n')[0]).toMatch(/^Transaction 3 /);
});
