import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, crc32, createDeflateRaw } from 'node:zlib';

/** One file to put in a zip: its name inside the zip (with `/`) and where it is on disk. */
export interface ZipEntry {
  name: string;
  path: string;
}

const U32 = 0xffffffff;
const U16 = 0xffff;
/** Names stored as UTF-8, sizes and CRC in a data descriptor after the data. */
const FLAGS = 0x0800 | 0x0008;
const STORE = 0;
const DEFLATE = 8;
/** Parquet is compressed already: stored as it is. Text is deflated, at a quick level. */
const STORED = /\.parquet$/i;

interface Written {
  name: Buffer;
  method: number;
  time: number;
  date: number;
  crc: number;
  packed: number;
  size: number;
  offset: number;
  zip64: boolean;
}

/**
 * Streams a zip archive of files to `out` (an HTTP response) as it reads them: memory stays
 * bounded whatever the export's size, nothing is staged on disk. Each entry's size and CRC
 * follow its data (a data descriptor); ZIP64 records are used when a file, the offsets or the
 * number of entries pass the classic format's limits. Respects `out`'s back-pressure; `signal`
 * stops it (the client went away).
 */
export async function writeZip(
  out: Writable,
  entries: ZipEntry[],
  options: {
    signal?: AbortSignal;
    /** ZIP64 records for every entry and the end, whatever the sizes (tests; some tools). */
    forceZip64?: boolean;
  } = {},
): Promise<void> {
  const { signal, forceZip64 = false } = options;
  let offset = 0;
  const write = async (b: Buffer) => {
    offset += b.length;
    if (!out.write(b)) await drained(out, signal);
  };
  const written: Written[] = [];
  for (const e of entries) {
    signal?.throwIfAborted();
    const info = await stat(e.path);
    const name = Buffer.from(e.name, 'utf8');
    const method = STORED.test(e.name) ? STORE : DEFLATE;
    // Deflate can grow incompressible data a little: keep a margin before the 4 GiB limit.
    const zip64 = forceZip64 || info.size >= U32 - 0x100000;
    const { time, date } = dosTime(info.mtime);
    const w: Written = { name, method, time, date, crc: 0, packed: 0, size: 0, offset, zip64 };
    await write(localHeader(w));
    let crc = 0;
    let size = 0;
    let packed = 0;
    const read = async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
    };
    const sent = async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        packed += chunk.length;
        yield chunk;
      }
    };
    const options = { end: false, ...(signal ? { signal } : {}) };
    if (method === DEFLATE) {
      const deflate = createDeflateRaw({ level: constants.Z_BEST_SPEED });
      await pipeline(createReadStream(e.path), read, deflate, sent, out, options);
    } else {
      await pipeline(createReadStream(e.path), read, sent, out, options);
    }
    offset += packed;
    Object.assign(w, { crc, size, packed });
    await write(descriptor(w));
    written.push(w);
  }
  const cdStart = offset;
  for (const w of written) await write(centralHeader(w));
  const cdSize = offset - cdStart;
  if (forceZip64 || written.length >= U16 || cdStart >= U32 || cdSize >= U32) {
    const zip64End = offset;
    await write(zip64EndRecord(written.length, cdSize, cdStart));
    await write(zip64Locator(zip64End));
  }
  await write(endRecord(written.length, cdSize, cdStart));
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  );
}

function localHeader(w: Written): Buffer {
  const extra = w.zip64 ? zip64Extra([0n, 0n]) : Buffer.alloc(0);
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(w.zip64 ? 45 : 20, 4);
  b.writeUInt16LE(FLAGS, 6);
  b.writeUInt16LE(w.method, 8);
  b.writeUInt16LE(w.time, 10);
  b.writeUInt16LE(w.date, 12);
  // CRC and sizes are 0 here: they follow the data (flag bit 3).
  b.writeUInt16LE(w.name.length, 26);
  b.writeUInt16LE(extra.length, 28);
  return Buffer.concat([b, w.name, extra]);
}

function descriptor(w: Written): Buffer {
  if (w.zip64) {
    const b = Buffer.alloc(24);
    b.writeUInt32LE(0x08074b50, 0);
    b.writeUInt32LE(w.crc, 4);
    b.writeBigUInt64LE(BigInt(w.packed), 8);
    b.writeBigUInt64LE(BigInt(w.size), 16);
    return b;
  }
  const b = Buffer.alloc(16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(w.crc, 4);
  b.writeUInt32LE(w.packed, 8);
  b.writeUInt32LE(w.size, 12);
  return b;
}

function centralHeader(w: Written): Buffer {
  // ZIP64 fields, in the order the format fixes: sizes (when the entry is ZIP64), then offset.
  const big: bigint[] = [];
  if (w.zip64) big.push(BigInt(w.size), BigInt(w.packed));
  const farOffset = w.offset >= U32 || w.zip64;
  if (farOffset) big.push(BigInt(w.offset));
  const extra = big.length > 0 ? zip64Extra(big) : Buffer.alloc(0);
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE((3 << 8) | 45, 4); // made by: Unix, spec 4.5
  b.writeUInt16LE(big.length > 0 ? 45 : 20, 6);
  b.writeUInt16LE(FLAGS, 8);
  b.writeUInt16LE(w.method, 10);
  b.writeUInt16LE(w.time, 12);
  b.writeUInt16LE(w.date, 14);
  b.writeUInt32LE(w.crc, 16);
  b.writeUInt32LE(w.zip64 ? U32 : w.packed, 20);
  b.writeUInt32LE(w.zip64 ? U32 : w.size, 24);
  b.writeUInt16LE(w.name.length, 28);
  b.writeUInt16LE(extra.length, 30);
  // comment length, disk number, internal attributes: 0
  b.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
  b.writeUInt32LE(farOffset ? U32 : w.offset, 42);
  return Buffer.concat([b, w.name, extra]);
}

function zip64Extra(values: bigint[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(v, 4 + 8 * i));
  return b;
}

function zip64EndRecord(entries: number, cdSize: number, cdStart: number): Buffer {
  const b = Buffer.alloc(56);
  b.writeUInt32LE(0x06064b50, 0);
  b.writeBigUInt64LE(44n, 4); // the size of the rest of this record
  b.writeUInt16LE((3 << 8) | 45, 12);
  b.writeUInt16LE(45, 14);
  // this disk, the central directory's disk: 0
  b.writeBigUInt64LE(BigInt(entries), 24);
  b.writeBigUInt64LE(BigInt(entries), 32);
  b.writeBigUInt64LE(BigInt(cdSize), 40);
  b.writeBigUInt64LE(BigInt(cdStart), 48);
  return b;
}

function zip64Locator(zip64End: number): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(0x07064b50, 0);
  b.writeBigUInt64LE(BigInt(zip64End), 8);
  b.writeUInt32LE(1, 16); // one disk in all
  return b;
}

function endRecord(entries: number, cdSize: number, cdStart: number): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(Math.min(entries, U16), 8);
  b.writeUInt16LE(Math.min(entries, U16), 10);
  b.writeUInt32LE(Math.min(cdSize, U32), 12);
  b.writeUInt32LE(Math.min(cdStart, U32), 16);
  return b;
}

/** MS-DOS date and time of a file (local fields of its UTC time: the format has no zone). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

function drained(out: Writable, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', closed);
      signal?.removeEventListener('abort', closed);
      resolve();
    };
    const closed = () => {
      out.off('drain', done);
      out.off('close', closed);
      signal?.removeEventListener('abort', closed);
      reject(new Error('the download was closed'));
    };
    out.on('drain', done);
    out.on('close', closed);
    signal?.addEventListener('abort', closed);
  });
}
