import { FileStore } from './file-store.js';
import type { ObjectStore } from './object-store.js';
import { parseRemoteUrl } from './remote-url.js';
import { S3Store } from './s3-store.js';

/** How to reach a remote: its URL and, for S3, the endpoint and region. Never credentials. */
export interface RemoteAddress {
  url: string;
  endpoint?: string;
  region?: string;
}

export interface StoreOptions {
  signal?: AbortSignal;
  /** Attempts per S3 request; automatic pushes use 1 so an unreachable remote does not stall a commit. */
  maxAttempts?: number;
}

/** The object store of a remote URL. */
export async function openStore(
  address: RemoteAddress,
  options: StoreOptions = {},
): Promise<ObjectStore> {
  const loc = parseRemoteUrl(address.url);
  if (loc.kind === 'file') return new FileStore(loc.path, loc.url);
  return S3Store.open({
    bucket: loc.bucket,
    prefix: loc.prefix,
    url: loc.url,
    ...(address.endpoint ? { endpoint: address.endpoint } : {}),
    ...(address.region ? { region: address.region } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
