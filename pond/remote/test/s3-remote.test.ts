import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSession } from '../../duckdb/session.js';
import { scanRows } from '../../delta/index.js';
import { fsck } from '../../tlogfs/fsck.js';
import {
  addRemote,
  getRemote,
  openRemoteTable,
  openStore,
  pushRemote,
  restoreReplica,
  verifyRemote,
} from '../index.js';
import { addDay, scratchDir, seriesPond, seriesRows, withPond } from './helpers.js';
import { startS3, type TestS3 } from './s3-server.js';

/**
 * Backups to S3 through the AWS SDK, against s3rver on 127.0.0.1: push (with a blob big enough
 * for a multipart upload), restore, incremental push, verify, and the backup read in place as a
 * Delta table.
 */
describe('s3:// remotes', () => {
  let s: Awaited<ReturnType<typeof scratchDir>>;
  let s3: TestS3;
  let source: string;
  let url: string;
  beforeAll(async () => {
    s = await scratchDir('pond-remote-s3-');
    s3 = await startS3();
    source = await seriesPond(s.dir, 'source', 11);
    // 20 MB of data: more than one 16 MiB part.
    const big = join(s.dir, 'big.bin');
    await writeFile(big, randomBytes(20 * 1024 * 1024));
    await withPond(source, (pond) =>
      pond.write({ command: ['test', 'big'] }, async (txn) => {
        await (await txn.wd()).writeFile('/data/big.bin', 'data', { hostPath: big });
      }),
    );
    url = `s3://${s3.bucket}/backups/station-1`;
    await addRemote(source, { name: 'cloud', url, endpoint: s3.endpoint, auto: false });
  });
  afterAll(async () => {
    await s3?.stop();
    await s?.cleanup();
  });

  it('pushes, restores an equal replica, then pushes only the new objects', async () => {
    const first = await withPond(source, async (pond) =>
      pushRemote(pond, await getRemote(source, 'cloud')),
    );
    expect(first).toMatchObject({ outcome: 'pushed', from: -1 });
    expect(first.counts).toMatchObject({ commits: first.to + 1, checkpoints: 1, blobs: 12 });

    const replica = join(s.dir, 'replica');
    const restored = await restoreReplica({ url, endpoint: s3.endpoint }, replica);
    const src = await withPond(source, async (p) => ({
      check: await fsck(p),
      rows: await seriesRows(p),
      id: p.identity.id,
      big: Buffer.from(
        await p.read(async (t) =>
          (
            (await (await t.wd()).get('/data/big.bin')).node as never as {
              read(): Promise<Uint8Array>;
            }
          ).read(),
        ),
      ),
    }));
    expect(restored.pondId).toBe(src.id);
    expect(restored.digest).toBe(src.check.digest);
    await withPond(replica, async (p) => {
      const check = await fsck(p);
      expect(check.problems).toEqual([]);
      expect(check.digest).toBe(src.check.digest);
      expect(await seriesRows(p)).toEqual(src.rows);
      const big = await p.read(async (t) =>
        (
          (await (await t.wd()).get('/data/big.bin')).node as never as {
            read(): Promise<Uint8Array>;
          }
        ).read(),
      );
      expect(Buffer.from(big).equals(src.big)).toBe(true);
    });

    const again = await withPond(source, async (pond) => {
      await addDay(pond, s.dir, 50);
      return pushRemote(pond, await getRemote(source, 'cloud'));
    });
    expect(again).toMatchObject({ outcome: 'pushed', from: first.to, to: first.to + 1 });
    expect(again.counts).toMatchObject({ commits: 1, checkpoints: 0, blobs: 1 });
    expect(again.counts!.dataFiles).toBeGreaterThanOrEqual(1);
    expect(again.counts!.dataFiles).toBeLessThanOrEqual(2);
  });

  it('reads the backup in place as a Delta table, straight from the S3 server', async () => {
    const session = await DuckSession.open();
    const store = await openStore({ url, endpoint: s3.endpoint });
    try {
      const table = await openRemoteTable(store, join(s.dir, 'remote-cache'), session);
      const key = (r: Record<string, unknown>) => `${String(r['node_id'])}@${String(r['version'])}`;
      const remoteRows = (
        await scanRows(session, table.snapshot, {
          columns: ['node_id', 'version', 'txn_seq', 'sha256'],
        })
      )
        .map(key)
        .sort();
      const localRows = await withPond(source, async (p) =>
        (
          await scanRows(p.session, await p.delta.refresh(), {
            columns: ['node_id', 'version', 'txn_seq', 'sha256'],
          })
        )
          .map(key)
          .sort(),
      );
      expect(table.snapshot.version).toBe(await withPond(source, async (p) => p.lastSeq));
      expect(remoteRows).toEqual(localRows);
      expect(table.snapshot.metadata.configuration['pond.id']).toBe(
        await withPond(source, async (p) => p.identity.id),
      );
    } finally {
      store.close();
      session.close();
    }
  });

  it('finds a damaged object with verify', async () => {
    const ok = await withPond(source, async (pond) =>
      verifyRemote(pond, await getRemote(source, 'cloud')),
    );
    expect(ok.relation.kind).toBe('same');
    expect(ok.damaged).toEqual([]);
    const blobs = join(s3.dir, s3.bucket, 'backups', 'station-1', '_large_files');
    const victim = (await readdir(blobs)).find((n) => n.endsWith('._S3rver_object'))!;
    const bytes = await readFile(join(blobs, victim));
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(join(blobs, victim), bytes);
    const bad = await withPond(source, async (pond) =>
      verifyRemote(pond, await getRemote(source, 'cloud')),
    );
    expect(bad.damaged).toEqual([
      {
        key: `_large_files/${victim.replace('._S3rver_object', '')}`,
        problem: expect.stringMatching(/hashes to/),
      },
    ]);
  });
});
