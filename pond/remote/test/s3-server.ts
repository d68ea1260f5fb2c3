import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An S3-compatible server for the tests: s3rver (npm, a devDependency) on 127.0.0.1 with a fresh
 * folder. It checks SigV4 signatures (credentials S3RVER/S3RVER), lists, multipart uploads and
 * MD5 ETags, but ignores If-None-Match on PUT, x-amz-checksum-* and Content-MD5, and stores
 * aws-chunked bodies verbatim; the S3 store is written so that none of that matters.
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
  const { port } = await server.run();
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
      await server.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
