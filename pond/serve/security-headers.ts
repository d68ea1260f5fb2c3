import type { ServerResponse } from 'node:http';

/** Sent with every response: no sniffing, no framing, no referrer (the URL holds the token). */
export function setBaseHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/**
 * The page's Content-Security-Policy: scripts only from the server (no inline scripts, no
 * eval), connections only back to it (its WebSocket included), nothing framed or framing.
 * Inline styles are allowed: the grid and chart libraries position cells with them.
 */
export function contentSecurityPolicy(host: string | undefined): string {
  const ws = host !== undefined && /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? ` ws://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${ws}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
