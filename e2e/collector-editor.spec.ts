import { expect, test } from '@playwright/test';
import { SKIP_REASON, chromiumMissing } from './support/environment';
import { openPath, treeItem } from './support/pages';
import { useServe } from './support/serve';

// The demo pond's collector opened in the node editor (Edit derived node…), in Chromium against
// a real `pond serve`: its preview says why there is nothing to show in a collector's terms (it
// writes when it runs), not only a derived node's (its inputs may not exist yet).

test.skip(chromiumMissing, SKIP_REASON);

const served = useServe({ demo: true });

test('Edit derived node… on the demo collector: the empty preview says a collector writes when it runs', async ({
  page,
}) => {
  await page.goto(served.url);
  await openPath(page, '/system/etc/20-hydrovu');
  await treeItem(page, '/system/etc/20-hydrovu').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Edit derived node…' }).click();
  const editor = page.getByRole('dialog', { name: /Edit derived node/ });
  await expect(editor.getByTestId('preview-empty')).toContainText(
    'a collector writes only when it runs (Run now in the Collectors view)',
  );
});
