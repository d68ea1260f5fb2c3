import { describe, expect, it } from 'vitest';
import { deterministicNodeId, newNodeId, shortId } from '../node-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('node ids', () => {
  it('are UUIDv7 and increase within a process', () => {
    const ids = Array.from({ length: 1000 }, () => newNodeId());
    for (const id of ids) expect(id).toMatch(V7);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are deterministic for computed nodes', () => {
    const a = deterministicNodeId('parent', 'name', 'factory', '{}');
    expect(a).toMatch(V7);
    expect(deterministicNodeId('parent', 'name', 'factory', '{}')).toBe(a);
    expect(deterministicNodeId('parent', 'name', 'factory', '{ }')).not.toBe(a);
    // Part boundaries matter: ("ab","c") is not ("a","bc").
    expect(deterministicNodeId('ab', 'c')).not.toBe(deterministicNodeId('a', 'bc'));
  });

  it('has an 8-digit short form', () => {
    expect(shortId('01890a5d-ac96-774b-bcce-b302099a8057')).toBe('099a8057');
  });
});
