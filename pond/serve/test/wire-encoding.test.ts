import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../../shared/wire.js';
import { encodeWireFast } from '../http-server.js';

describe("pond serve's wire encoder", () => {
  it('writes exactly what the shared encoder writes, and decodes back', () => {
    const big = new Uint8Array(300_001).map((_, i) => (i * 31) & 0xff);
    const backing = new Uint8Array(64).map((_, i) => i);
    const view = backing.subarray(5, 37); // a view into a larger buffer: only its own bytes
    const value = {
      ok: true,
      value: { arrow: big, parts: [view, new Uint8Array(0)], n: 3, s: 'x', none: null },
    };
    const text = encodeWireFast(value);
    expect(text).toBe(encodeWire(value));
    const back = decodeWire(text) as { value: { arrow: Uint8Array; parts: Uint8Array[] } };
    expect(back.value.arrow).toEqual(big);
    expect(back.value.parts[0]).toEqual(view);
    expect(back.value.parts[1]).toEqual(new Uint8Array(0));
  });

  it('writes a Node Buffer as bytes too, not as the object its toJSON makes', () => {
    // A factory node's config read by the Data tab is a Buffer (a subarray of one).
    const config = Buffer.from('client_id: x\ndevices: []\n').subarray(0, 12);
    const value = { ok: true, value: { bytes: config, nested: [Buffer.from([0, 255])] } };
    for (const text of [encodeWireFast(value), encodeWire(value)]) {
      const back = decodeWire(text) as { value: { bytes: Uint8Array; nested: Uint8Array[] } };
      expect(back.value.bytes).toEqual(new Uint8Array(config));
      expect(new TextDecoder().decode(back.value.bytes)).toBe('client_id: x');
      expect(back.value.nested[0]).toEqual(new Uint8Array([0, 255]));
    }
  });
});
