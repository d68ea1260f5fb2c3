import { join, resolve } from 'node:path';

/**
 * Where things live inside a pond folder (DESIGN §3):
 *   data/                 the Delta table (the oplog), the only source of truth
 *   data/_large_files/    content-addressed blobs, sha256=<hex>
 *   data/_large_files/_staging/   each writer's temp files (staging.ts)
 *   cache/                derived, safe to delete
 *   pond.lock             the advisory write lock (outside the table, so no engine sees it)
 * The exact names the pond writes in these folders are in pond-files.ts.
 */
export class PondLayout {
  readonly root: string;
  readonly data: string;
  readonly blobs: string;
  readonly cache: string;
  readonly lock: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.data = join(this.root, 'data');
    this.blobs = join(this.data, '_large_files');
    this.cache = join(this.root, 'cache');
    this.lock = join(this.root, 'pond.lock');
  }
}
