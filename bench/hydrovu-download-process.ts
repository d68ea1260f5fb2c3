/**
 * The HTTP part of a HydroVu collect as a whole process: a token, then every page of every
 * device's readings (the same requests and paging as the collector), each page's body written to
 * OUT/<device>/<n>.json; then the peak RSS and CPU time as a last line of JSON.
 * `node hydrovu-download-process.js <base url> <client id> <secret> <out dir> <device ids...>`
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processUsage } from './process-usage.js';

const [base, id, secret, out, ...devices] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  ...string[],
];
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
for (const device of devices) {
  await mkdir(join(out, device), { recursive: true });
  let page: string | null = null;
  for (let n = 0; ; n++) {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (page !== null) headers['x-isi-start-page'] = page;
    const res = await fetch(`${base}/public-api/v1/locations/${device}/data?startTime=0`, {
      headers,
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    await writeFile(join(out, device, `${n}.json`), Buffer.from(await res.arrayBuffer()));
    page = res.headers.get('x-isi-next-page');
    if (page === null) break;
  }
}
console.log(processUsage());
