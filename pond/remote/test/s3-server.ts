import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An S3-compatible server for the tests: s3rver (npm, a devDependency) on 127.0.0.1 with a fresh
 * folder. It checks SigV4 signatures (credentials S3RVER/S3RVER), lists, multipart uploads and
 * MD5 ETags, but ignores If-None-Match on PUT, x-amz-checksum-* and Content-MD5, and stores
 * aws-chunked bodies verbatim; the S3 store is written so that none of that matters.
 *
 * One thing s3rver does that S3 never does: it stores the part of a PUT that arrived before the
 * client died (a push killed by -9 midway left a 15-byte object where S3 keeps nothing). The
 * tests reach it through `wholeRequests`, which forwards a request only once its whole body has
 * arrived, so an object is there whole or not at all, as on S3.
 */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The folder s3rver keeps objects in (`<dir>/<bucket>/<key>._S3rver_object`). */
  dir: string;
  /** Environment for the AWS SDK's default credential chain. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

export async function startS3(bucket = 'pond-test'): Promise<TestS3> {
  const dir = await mkdtemp(join(tmpdir(), 'pond-s3rver-'));
  const { default: S3rver } = (await import('s3rver' as string)) as {
    default: new (o: object) => S3rverInstance;
  };
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const { port: s3rverPort } = await server.run();
  const front = await wholeRequests(s3rverPort);
  const { port } = front.address() as AddressInfo;
  const env = {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    dir,
    env,
    stop: async () => {
      front.closeAllConnections();
      await new Promise<void>((r) => front.close(() => r()));
      await server.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A server on 127.0.0.1 that reads each request whole, then sends it to the server on `port`
 * (headers unchanged, so SigV4 signatures still match) and relays the answer. A request whose
 * client goes away before its body ends is dropped unsent.
 */
async function wholeRequests(port: number): Promise<Server> {
  const front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined); // the client died midway: nothing is forwarded
    req.on('end', () => {
      if (!req.complete) return;
      const headers = { ...req.headers };
      delete headers['expect']; // the body is here already
      const body = Buffer.concat(chunks);
      const out = request(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers },
        (answer: IncomingMessage) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', (e) => res.destroy(e));
      out.end(body);
    });
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
  return front;
}
