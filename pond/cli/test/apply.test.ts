import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensorCsv, writeText } from './fixtures.js';
import { bound, tempDir } from './run-pond.js';

/** `pond apply`: create, re-apply (unchanged, no transaction), update, and all-or-nothing. */
describe('pond apply', () => {
  let t: Awaited<ReturnType<typeof tempDir>>;
  let p: ReturnType<typeof bound>;
  const file = (name: string) => join(t.dir, name);

  const resources = (resolutions: string) => `version: v1
kind: mkdir
metadata: { path: /sources }
---
version: v1
kind: copy
metadata: { path: /sources/north.series }
spec: { source: "host+csv+series://${file('north.csv')}", overwrite: true }
---
version: v1
kind: copy
metadata: { path: /docs }
spec: { source: "host://${file('docs')}" }
---
version: v1
kind: mknod
metadata: { path: /reduced }
spec:
  factory: temporal-reduce
  config:
    in_pattern: "series:///sources/*.series"
    out_pattern: "$0"
    resolutions: ${resolutions}
    aggregations: [{ type: avg, columns: [temperature] }]
`;

  beforeAll(async () => {
    t = await tempDir('pond-apply-');
    p = bound(t.pond);
    await p.ok('init', '--birthplace', 'apply');
    await writeText(file('north.csv'), sensorCsv('2024-01-01T00:00:00Z', 48));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(file('docs'));
    await writeText(file('docs/a.txt'), 'alpha\n');
    await writeText(file('docs/b.txt'), 'beta\n');
    await writeText(file('v1.yaml'), resources('["1h", "1d"]'));
  });
  afterAll(async () => t.cleanup());

  it('creates every resource in one transaction', async () => {
    const out = await p.ok('apply', '-f', file('v1.yaml'));
    expect(out).toMatch(/created\s+mkdir\s+\/sources/);
    expect(out).toMatch(/created\s+copy\s+\/sources\/north.series/);
    expect(out).toMatch(/created\s+copy\s+\/docs/);
    expect(out).toMatch(/created\s+mknod\s+\/reduced/);
    expect(out).toContain('4 created, 0 updated, 0 unchanged (transaction 2)');
    expect(await p.ok('list', '/**')).toContain('/reduced/north/res=1d.series');
    expect(await p.ok('cat', '/docs/b.txt')).toBe('beta\n');
    const log = await p.ok('log');
    expect(log).toMatch(/Transaction 2 .*\n\s+apply -f/);
  });

  it('re-applying the same files changes nothing and commits nothing', async () => {
    const out = await p.ok('apply', '-f', file('v1.yaml'));
    expect(out).toContain('apply: all 4 unchanged, no transaction');
    expect(await p.ok('log')).not.toContain('Transaction 3');
  });

  it('an update reports updated and unchanged resources', async () => {
    await writeText(file('v2.yaml'), resources('["1h", "6h"]'));
    await writeText(file('north.csv'), sensorCsv('2024-01-01T00:00:00Z', 72));
    const out = await p.ok('apply', '-f', file('v2.yaml'));
    expect(out).toMatch(/unchanged\s+mkdir\s+\/sources/);
    expect(out).toMatch(/updated\s+copy\s+\/sources\/north.series/);
    expect(out).toMatch(/unchanged\s+copy\s+\/docs/);
    expect(out).toMatch(/updated\s+mknod\s+\/reduced/);
    expect(out).toContain('0 created, 2 updated, 2 unchanged (transaction 3)');
    expect(await p.ok('list', '/reduced/north/*')).toContain('res=6h.series');
    expect(await p.ok('describe', '/sources/north.series')).toMatch(/v2/);
  });

  it('one bad document aborts the whole batch, named by file and index', async () => {
    const before = await p.ok('log');
    await writeText(
      file('bad.yaml'),
      `version: v1
kind: mkdir
metadata: { path: /fresh }
---
version: v1
kind: mknod
metadata: { path: /broken }
spec:
  factory: temporal-reduce
  config: { in_pattern: "series:///sources/*", out_pattern: "$0", resolutions: ["1h", "45m"], aggregations: [{ type: avg }] }
`,
    );
    const r = await p.run('apply', '-f', file('bad.yaml'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${file('bad.yaml')}[1]`);
    expect(r.stderr).toContain('is not a whole multiple');
    expect(await p.ok('log')).toBe(before);
    expect(await p.ok('list', '/*')).not.toContain('/fresh');
  });

  it('a copy onto changed content without overwrite is refused, and nothing is written', async () => {
    const before = await p.ok('log');
    await writeText(file('docs/a.txt'), 'alpha, edited\n');
    await writeText(
      file('again.yaml'),
      `version: v1
kind: mkdir
metadata: { path: /other }
---
version: v1
kind: copy
metadata: { path: /docs }
spec: { source: "host://${file('docs')}" }
`,
    );
    const r = await p.run('apply', '-f', file('again.yaml'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("'/docs/a.txt' exists with other content; set overwrite: true");
    expect(await p.ok('log')).toBe(before);
  });

  it('structural errors: version, kind, relative paths, unknown keys, duplicates', async () => {
    const cases: [string, string][] = [
      ['version: v2\nkind: mkdir\nmetadata: { path: /a }\n', "version: 'v2' is not supported"],
      ['version: v1\nkind: rmdir\nmetadata: { path: /a }\n', "kind: 'rmdir' is not a kind"],
      ['version: v1\nkind: mkdir\nmetadata: { path: a }\n', 'must be an absolute pond path'],
      ['version: v1\nkind: mkdir\nmetadata: { path: /a, name: x }\n', 'metadata.name: unknown key'],
      [
        'version: v1\nkind: copy\nmetadata: { path: /a }\nspec: { source: "/etc/passwd" }\n',
        'spec.source',
      ],
      [
        'version: v1\nkind: mkdir\nmetadata: { path: /a }\n---\nversion: v1\nkind: mkdir\nmetadata: { path: /a/ }\n',
        '/a is also claimed by',
      ],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      await writeText(file(`s${i}.yaml`), text);
      const r = await p.run('apply', '-f', file(`s${i}.yaml`));
      expect(r.code, text).not.toBe(0);
      expect(r.stderr, text).toContain(message);
    }
  });

  it("copy documents' import errors name the document's keys, not pond copy's flags", async () => {
    const before = await p.ok('log');
    const doc = (name: string, extra = '') => `version: v1
kind: copy
metadata: { path: /advice/${name}.series }
spec:
  source: "host+csv+series://${file(`${name}.csv`)}"${extra}
`;
    await writeText(file('epoch.csv'), 'timestamp,v\n1704067200,1\n1704067260,2\n');
    await writeText(file('epoch.yaml'), doc('epoch'));
    const epoch = await p.run('apply', '-f', file('epoch.yaml'));
    expect(epoch.code).not.toBe(0);
    expect(epoch.stderr).toContain(
      'say what they count with timestamp_format: epoch-s|epoch-ms|epoch-us',
    );
    await writeText(
      file('ragged.csv'),
      'timestamp,v\n2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2,extra\n2024-01-01 02:00:00,3\n',
    );
    await writeText(file('ragged.yaml'), doc('ragged'));
    const ragged = await p.run('apply', '-f', file('ragged.yaml'));
    expect(ragged.code).not.toBe(0);
    expect(ragged.stderr).toContain('nothing was imported (use skip_rejected: true to import');
    await writeText(file('dup.csv'), 'timestamp,v,v\n2024-01-01 00:00:00,1,2\n');
    await writeText(file('dup.yaml'), doc('dup'));
    const dup = await p.run('apply', '-f', file('dup.yaml'));
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain("columns: ['#3=NEW_NAME']");
    expect(dup.stderr).toContain("skip_columns: ['#3']");
    await writeText(file('delim.yaml'), doc('epoch', '\n  delimiter: "12345"'));
    const delim = await p.run('apply', '-f', file('delim.yaml'));
    expect(delim.code).not.toBe(0);
    expect(delim.stderr).toContain('spec: delimiter: ');
    for (const r of [epoch, ragged, dup, delim]) expect(r.stderr).not.toMatch(/--[a-z]/);
    expect(await p.ok('log')).toBe(before);
  });
});
