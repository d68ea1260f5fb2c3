import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { JobInfo, PondSummary } from '../../shared/api.js';
import { encodeWire, type JobMessage, type PondMessage } from '../../shared/wire.js';

/**
 * The `/ws` end of `pond serve`: pushes every job change, and every new transaction of an open
 * pond, to every connected page.
 */
export class JobSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly clients = new Set<WebSocket>();
  private readonly unsubscribe: (() => void)[];

  constructor(service: {
    onJobEvent(listener: (job: JobInfo) => void): () => void;
    onPondChanged(listener: (pond: PondSummary) => void): () => void;
  }) {
    this.unsubscribe = [
      service.onJobEvent((job) => this.broadcast({ type: 'job', job })),
      service.onPondChanged((pond) => this.broadcast({ type: 'pond', pond })),
    ];
  }

  /** Completes an upgrade the server has already authorised. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.clients.add(ws);
      // The channel is one-way: pages never send anything we act on.
      ws.on('close', () => this.clients.delete(ws));
      ws.on('error', () => this.clients.delete(ws));
    });
  }

  close(): void {
    for (const stop of this.unsubscribe) stop();
    for (const ws of this.clients) ws.terminate();
    this.clients.clear();
    this.wss.close();
  }

  private broadcast(message: JobMessage | PondMessage): void {
    const text = encodeWire(message);
    for (const ws of this.clients) if (ws.readyState === ws.OPEN) ws.send(text);
  }
}
