#!/usr/bin/env node
/**
 * Renders the app's icon (packaging/icon.svg) into the files electron-builder packs:
 *
 *   packaging/icons/<N>x<N>.png   Linux (deb, AppImage) and the window icon, 16 to 512 px
 *   packaging/icon.ico            Windows: PNG images of 16 to 256 px in one ICO
 *   packaging/icon.icns           macOS: PNG images of 16 to 1024 px in one ICNS
 *
 * The outputs are committed beside the SVG, so packaging needs no browser; run this after
 * changing the SVG:  node scripts/make-icons.mjs   (Chromium renders the SVG: CHROMIUM, else
 * /usr/bin/chromium).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'packaging');

const LINUX = [16, 32, 48, 64, 128, 256, 512];
const WINDOWS = [16, 24, 32, 48, 64, 128, 256];
/** ICNS types holding PNG data, by pixel size (the @2x types share a size with the next one). */
const MAC = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

/** ICO: a 6-byte header, a 16-byte entry per image, then the images (PNG, Windows Vista on). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

/** ICNS: 'icns' and the total length, then per image its type, its length (header included), PNG. */
function icns(images) {
  const chunks = images.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

const svg = await readFile(join(dir, 'icon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu'],
});
const rendered = new Map();
try {
  const page = await browser.newPage();
  for (const size of new Set([...LINUX, ...WINDOWS, ...MAC.map(([, s]) => s)])) {
    await page.setViewportSize({ width: size, height: size });
    const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`,
    );
    rendered.set(size, await page.screenshot({ omitBackground: true, type: 'png' }));
  }
} finally {
  await browser.close();
}

await mkdir(join(dir, 'icons'), { recursive: true });
for (const size of LINUX)
  await writeFile(join(dir, 'icons', `${size}x${size}.png`), rendered.get(size));
await writeFile(
  join(dir, 'icon.ico'),
  ico(WINDOWS.map((size) => ({ size, png: rendered.get(size) }))),
);
await writeFile(
  join(dir, 'icon.icns'),
  icns(MAC.map(([type, size]) => ({ type, png: rendered.get(size) }))),
);
console.log(
  `make-icons: wrote packaging/icons/{${LINUX.map((s) => `${s}x${s}`).join(',')}}.png, icon.ico, icon.icns`,
);
