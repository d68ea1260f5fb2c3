/**
 * The HTTP part of a HydroVu collect as a whole process: a token, the names, then every page of
 * every device's readings (the same requests and paging as the collector), each body read into
 * one reused PageBuffer as the collector reads it; then the peak RSS and CPU time as a last line
 * of JSON. It does what any tool must do before it reads the pages, so a collect's CPU time less
 * this process's is the collect's own work (bench/hydrovu-collect.ts). Given a folder instead of
 * '-', it also saves each device's pages to OUT/<device>.ndjson, one page a line, for DuckDB's side
 * (that run is not the one measured: the collector saves no page).
 * It loads only the page buffer of the collector's code: whatever else it loaded would be counted
 * out of the pond's part (wide-series.ts, which it once imported a constant from, loads hyparquet).
 * `node hydrovu-download-process.js <base url> <client id> <secret> <out dir | -> <device ids...>`
 */
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_PAGE_BYTES, PageBuffer } from '../pond/factories/hydrovu/page-buffer.js';
import { tuneV8 } from '../pond/cli/v8-tuning.js';
import { processUsage } from './process-usage.js';

// The V8 setting the `pond` process runs with: the transfer's own CPU is counted the same way.
tuneV8();

const [base, id, secret, out, ...devices] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  ...string[],
];
const NEWLINE = Buffer.from('\n');
const basic = Buffer.from(`${id}:${secret}`).toString('base64');
const tokenRes = await fetch(`${base}/public-api/oauth/token`, {
  method: 'POST',
  headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials&scope=read%3Alocations%20read%3Adata',
});
const { access_token: token } = (await tokenRes.json()) as { access_token: string };
await fetch(`${base}/public-api/v1/sispec/friendlynames`, {
  headers: { Authorization: `Bearer ${token}` },
}).then((r) => r.arrayBuffer());
// '-': each page is read into the page buffer and left there, as the collector reads it (it
// parses the page from there). A folder: the pages are saved too, for DuckDB's side.
const save = out === '-' ? undefined : out;
if (save !== undefined) await mkdir(save, { recursive: true });
const memory = new PageBuffer(MAX_PAGE_BYTES);
for (const device of devices) {
  const file = save === undefined ? undefined : await open(join(save, `${device}.ndjson`), 'w');
  try {
    let page: string | null = null;
    do {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (page !== null) headers['x-isi-start-page'] = page;
      const res = await fetch(`${base}/public-api/v1/locations/${device}/data?startTime=0`, {
        headers,
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await memory.read(res);
      // The stand-in's pages are one line each (a page that is not fails DuckDB's read).
      if (file) await file.writev([body, NEWLINE]);
      page = res.headers.get('x-isi-next-page');
    } while (page !== null);
  } finally {
    await file?.close();
  }
}
console.log(processUsage());
