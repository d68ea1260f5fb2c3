import { isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);
/** A Host header: a name, an IPv4 address or a bracketed IPv6 address, and an optional port. */
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

/**
 * Which `Host` and `Origin` headers `pond serve` answers, against DNS rebinding: a page on
 * another site whose name is made to resolve to 127.0.0.1 reaches the server with its own name
 * in `Host` (and its own origin in `Origin`), so it is refused before the token is looked at.
 *
 * Allowed hosts: the address the server bound and the loopback names (`localhost`,
 * `127.0.0.1`, `[::1]`), each with the server's port. Bound to every address (0.0.0.0 or ::),
 * it also answers to any IP address literal with its port (a browser sends a name only when it
 * was given one, and an address cannot be rebound); other names are refused, so a remote
 * browser opens the server by its IP address.
 */
export class HostCheck {
  private readonly bound: string;
  private readonly anyAddress: boolean;

  constructor(
    boundHost: string,
    private readonly port: number,
  ) {
    this.anyAddress = WILDCARDS.has(boundHost);
    this.bound =
      normalHostname(
        boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost,
      ) ?? '';
  }

  /** True when `host` (a Host header, or an Origin's host) names this server. */
  allowsHost(host: string | undefined): boolean {
    if (host === undefined || !HOST_HEADER.test(host)) return false;
    let url: URL;
    try {
      url = new URL(`http://${host}`);
    } catch {
      return false;
    }
    if ((url.port || '80') !== String(this.port)) return false;
    const name = url.hostname;
    if (LOOPBACK_NAMES.has(name) || name === this.bound) return true;
    return this.anyAddress && isIP(name.replace(/^\[|\]$/g, '')) !== 0;
  }

  /** An `Origin` header: absent (not a browser, or a same-origin GET), or this server's origin. */
  allowsOrigin(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    return (
      url.protocol === 'http:' &&
      url.origin === origin.replace(/\/$/, '') &&
      this.allowsHost(url.host)
    );
  }

  /** What to write to a refused client. */
  explain(what: string, value: string | undefined): string {
    const shown = value === undefined ? 'none' : `'${value.slice(0, 200)}'`;
    return (
      `pond serve answers only to http://127.0.0.1:${this.port}/ (or localhost, [::1]` +
      `${this.anyAddress ? ', or an IP address of this machine' : this.bound && !LOOPBACK_NAMES.has(this.bound) ? `, ${this.bound}` : ''}` +
      ` with port ${this.port}): this request's ${what} is ${shown}`
    );
  }
}

function normalHostname(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}
