/**
 * Which Host and Origin values `pond serve` answers, for each address it may bind (the binding
 * to every address is checked here rather than by opening a server to the network in a test).
 */
import { describe, expect, it } from 'vitest';
import { HostCheck } from '../host-check.js';

describe('HostCheck', () => {
  it('bound to 127.0.0.1: the address and the loopback names, with the port', () => {
    const h = new HostCheck('127.0.0.1', 8080);
    for (const ok of ['127.0.0.1:8080', 'localhost:8080', 'LocalHost:8080', '[::1]:8080'])
      expect(h.allowsHost(ok), ok).toBe(true);
    for (const bad of [
      'attacker.example:8080',
      'localhost:8081',
      '127.0.0.1',
      '192.168.1.5:8080',
      'localhost:8080/x',
      'user@localhost:8080',
      '127.0.0.1:8080 ',
      undefined,
      '',
    ])
      expect(h.allowsHost(bad), String(bad)).toBe(false);
  });

  it('on port 80 a Host without a port is the same server', () => {
    const h = new HostCheck('127.0.0.1', 80);
    expect(h.allowsHost('127.0.0.1')).toBe(true);
    expect(h.allowsHost('localhost:80')).toBe(true);
    expect(h.allowsHost('localhost:8080')).toBe(false);
  });

  it('bound to every address: any IP address with the port, and localhost, but no other name', () => {
    for (const bound of ['0.0.0.0', '::']) {
      const h = new HostCheck(bound, 8080);
      for (const ok of ['192.168.1.5:8080', '10.0.0.7:8080', '[fe80::1]:8080', 'localhost:8080'])
        expect(h.allowsHost(ok), `${bound} ${ok}`).toBe(true);
      for (const bad of ['station.local:8080', 'attacker.example:8080', '192.168.1.5:8081'])
        expect(h.allowsHost(bad), `${bound} ${bad}`).toBe(false);
      expect(h.explain('Host', 'station.local:8080')).toMatch(/an IP address of this machine/);
    }
  });

  it('bound to one address of the machine: that address and the loopback names', () => {
    const h = new HostCheck('192.168.1.5', 8080);
    expect(h.allowsHost('192.168.1.5:8080')).toBe(true);
    expect(h.allowsHost('localhost:8080')).toBe(true);
    expect(h.allowsHost('192.168.1.6:8080')).toBe(false);
    const v6 = new HostCheck('fe80::1', 8080);
    expect(v6.allowsHost('[fe80::1]:8080')).toBe(true);
    expect(v6.allowsHost('[fe80::2]:8080')).toBe(false);
  });

  it('Origin: absent, or http:// and an allowed host; nothing else', () => {
    const h = new HostCheck('127.0.0.1', 8080);
    expect(h.allowsOrigin(undefined)).toBe(true);
    for (const ok of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080'])
      expect(h.allowsOrigin(ok), ok).toBe(true);
    for (const bad of [
      'null',
      '',
      'http://attacker.example:8080',
      'https://127.0.0.1:8080',
      'http://127.0.0.1:8081',
      'http://127.0.0.1',
      'http://user@127.0.0.1:8080',
      'http://127.0.0.1:8080/x',
      'ws://127.0.0.1:8080',
    ])
      expect(h.allowsOrigin(bad), bad).toBe(false);
  });
});
