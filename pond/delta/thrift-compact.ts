/**
 * The part of Thrift's compact protocol that Parquet's footer and page headers need, for writing
 * only: structs of i32, i64, binary, bool, struct and list fields. A struct is a list of fields in
 * increasing id order; the encoder writes the field-id deltas, zigzag varints and stop bytes.
 */

export type ThriftField =
  | readonly [id: number, kind: 'i32' | 'i64', value: number | bigint]
  | readonly [id: number, kind: 'binary', value: string | Uint8Array]
  | readonly [id: number, kind: 'bool', value: boolean]
  | readonly [id: number, kind: 'struct', value: ThriftStruct]
  | readonly [id: number, kind: 'list-i32', value: readonly number[]]
  | readonly [id: number, kind: 'list-binary', value: readonly string[]]
  | readonly [id: number, kind: 'list-struct', value: readonly ThriftStruct[]]
  /** A list of structs encoded before (`encodeStructs`), reused as bytes. */
  | readonly [id: number, kind: 'list-encoded', value: EncodedStructs];

export interface EncodedStructs {
  size: number;
  bytes: Uint8Array;
}

/** The elements of a list of structs, encoded once to be written in many lists. */
export function encodeStructs(items: readonly ThriftStruct[]): EncodedStructs {
  const w = new ThriftWriter();
  for (const item of items) w.struct(item);
  return { size: items.length, bytes: Buffer.from(w.bytes()) };
}

export type ThriftStruct = readonly ThriftField[];

const TYPE = { true: 1, false: 2, i32: 5, i64: 6, binary: 8, list: 9, struct: 12 } as const;

/** Bytes of compact-protocol structs, appended to a growing buffer. */
export class ThriftWriter {
  private buf = Buffer.allocUnsafe(1024);
  private len = 0;

  get length(): number {
    return this.len;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  struct(fields: ThriftStruct): void {
    let last = 0;
    for (const f of fields) {
      const [id, kind, value] = f;
      const type =
        kind === 'bool'
          ? value
            ? TYPE.true
            : TYPE.false
          : kind.startsWith('list')
            ? TYPE.list
            : TYPE[kind as 'i32' | 'i64' | 'binary' | 'struct'];
      const delta = id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else {
        this.byte(type);
        this.varint(zigzag(id));
      }
      last = id;
      switch (f[1]) {
        case 'i32':
        case 'i64':
          this.varint(zigzag(f[2]));
          break;
        case 'binary':
          this.binary(f[2]);
          break;
        case 'bool':
          break;
        case 'struct':
          this.struct(f[2]);
          break;
        case 'list-i32':
          this.listHeader(f[2].length, TYPE.i32);
          for (const v of f[2]) this.varint(zigzag(v));
          break;
        case 'list-binary':
          this.listHeader(f[2].length, TYPE.binary);
          for (const v of f[2]) this.binary(v);
          break;
        case 'list-struct':
          this.listHeader(f[2].length, TYPE.struct);
          for (const v of f[2]) this.struct(v);
          break;
        case 'list-encoded':
          this.listHeader(f[2].size, TYPE.struct);
          this.raw(f[2].bytes);
          break;
      }
    }
    this.byte(0); // stop
  }

  private listHeader(size: number, elem: number): void {
    if (size < 15) this.byte((size << 4) | elem);
    else {
      this.byte(0xf0 | elem);
      this.varint(size);
    }
  }

  private binary(v: string | Uint8Array): void {
    const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    this.varint(b.length);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** An unsigned varint; plain numbers up to 2^53, bigints beyond. */
  private varint(v: number | bigint): void {
    this.room(10);
    if (typeof v === 'number' && v <= Number.MAX_SAFE_INTEGER) {
      while (v >= 0x80) {
        this.buf[this.len++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      this.buf[this.len++] = v;
      return;
    }
    let b = BigInt(v);
    while (b >= 0x80n) {
      this.buf[this.len++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.buf[this.len++] = Number(b);
  }

  private raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

/** Zigzag: 0, -1, 1, -2... -> 0, 1, 2, 3...; in doubles while |v| < 2^52. */
function zigzag(v: number | bigint): number | bigint {
  if (typeof v === 'number' && Math.abs(v) < 2 ** 52) return v >= 0 ? v * 2 : -v * 2 - 1;
  const b = BigInt(v);
  return b >= 0n ? b << 1n : (-b << 1n) - 1n;
}
