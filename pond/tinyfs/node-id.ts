import { createHash, randomBytes } from 'node:crypto';

/** Node ids are UUIDv7 strings: time-ordered, so ids made later sort later. */
export type NodeId = string;

/** The root directory's fixed id. */
export const ROOT_ID: NodeId = '00000000-0000-7000-8000-000000000000';

function format(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function stampVersionAndVariant(b: Uint8Array): void {
  b[6] = (b[6]! & 0x0f) | 0x70; // version 7
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
}

let lastMs = 0;
let sequence = 0;

/** A new UUIDv7: 48 bits of milliseconds, then a counter and random bits (monotonic per process). */
export function newNodeId(now: number = Date.now()): NodeId {
  const b = randomBytes(16);
  if (now <= lastMs) {
    sequence += 1;
    now = lastMs;
  } else {
    lastMs = now;
    sequence = 0;
  }
  b.writeUIntBE(now, 0, 6);
  // 12-bit counter in rand_a keeps ids made in the same millisecond ordered.
  b[6] = (sequence >> 8) & 0x0f;
  b[7] = sequence & 0xff;
  stampVersionAndVariant(b);
  return format(b);
}

/**
 * A stable id for a node that is computed rather than stored (children of dynamic directories,
 * hostmounted files): the same inputs always give the same id, so the same path is the same node.
 * The timestamp field is zero, which keeps these ids apart from stored ones.
 */
export function deterministicNodeId(...parts: string[]): NodeId {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(String(Buffer.byteLength(p)));
    h.update(':');
    h.update(p);
  }
  const b = h.digest().subarray(0, 16);
  b.fill(0, 0, 6);
  stampVersionAndVariant(b);
  return format(b);
}

/** The short form shown by `pond list`: the last 8 hex digits. */
export function shortId(id: NodeId): string {
  return id.replaceAll('-', '').slice(-8);
}
