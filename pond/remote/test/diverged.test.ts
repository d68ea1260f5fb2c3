import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeText } from '../../cli/test/fixtures.js';
import { bound, runPond, tempDir } from '../../cli/test/run-pond.js';

/**
 * A replica that committed on its own, and its source that committed too: pull and push both
 * refuse, change nothing, and say which transaction is where (the messages said "here" and
 * "there" from the sender's side, so a pull named the backup's transaction as the replica's).
 */
describe('diverged replica', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    t = await tempDir('pond-diverged-');
  });
  afterAll(async () => t.cleanup());

  it('pull and push are refused naming each side', async () => {
    const backup = join(t.dir, 'backup');
    const replica = join(t.dir, 'replica');
    const src = bound(t.pond);
    const rep = bound(replica);
    await writeText(join(t.dir, 'a.txt'), 'a\n');
    await src.ok('init', '--birthplace', 'source');
    await src.ok('copy', `host://${t.dir}/a.txt`, '/a.txt');
    await src.ok('backup', 'add', 'usb', `file://${backup}`);
    await src.ok('push', 'usb');
    const r = await runPond(['backup', 'restore', `file://${backup}`, '--pond', replica]);
    expect(r.code, r.stderr).toBe(0);
    await rep.ok('copy', `host://${t.dir}/a.txt`, '/on-the-replica.txt');
    await src.ok('copy', `host://${t.dir}/a.txt`, '/on-the-source.txt');
    await src.ok('push', 'usb');
    const logBefore = await readdir(join(replica, 'data', '_delta_log'));
    const backupBefore = await readdir(join(backup, '_delta_log'));

    const pull = await rep.run('pull');
    expect(pull.code).toBe(1);
    const push = await rep.run('push', 'origin');
    expect(push.code).toBe(1);
    // Each side's transaction 3 is named with that side, in both messages.
    const on = (m: string, side: RegExp) => new RegExp(`txn (\\S+) in ${side.source}`).exec(m)?.[1];
    const replicaTxn = on(pull.stderr, /the pond at /);
    const backupTxn = on(pull.stderr, /file:/);
    expect(replicaTxn, pull.stderr).toBeDefined();
    expect(backupTxn, pull.stderr).toBeDefined();
    expect(replicaTxn).not.toBe(backupTxn);
    expect(on(push.stderr, /the pond at /), push.stderr).toBe(replicaTxn);
    expect(on(push.stderr, /file:/)).toBe(backupTxn);
    expect(await readdir(join(replica, 'data', '_delta_log'))).toEqual(logBefore);
    expect(await readdir(join(backup, '_delta_log'))).toEqual(backupBefore);
  });
});
