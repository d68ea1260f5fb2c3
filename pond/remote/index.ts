/** pond/remote: backups and replicas (file://, s3://): push, pull, verify, restore; host mirrors. */
export type { RemoteConfig } from './remote-config.js';
export {
  addRemote,
  getRemote,
  listRemotes,
  removeRemote,
  checkRemoteName,
} from './remote-config.js';
export type { RemoteState, SyncRecord } from './remote-state.js';
export { readRemoteState } from './remote-state.js';
export type { RemoteAddress } from './open-store.js';
export { openStore } from './open-store.js';
export { parseRemoteUrl } from './remote-url.js';
export type { PushReport } from './push.js';
export { pushRemote } from './push.js';
export type { PullReport } from './pull.js';
export { pullRemote } from './pull.js';
export type { RestoreReport } from './restore.js';
export { restoreReplica } from './restore.js';
export type { VerifyReport, Damage } from './verify.js';
export { verifyRemote } from './verify.js';
export type { Relation } from './relation.js';
export type { TransferCounts } from './transfer-plan.js';
export type { AutoPushOutcome } from './auto-push.js';
export { autoPush, autoRemotes } from './auto-push.js';
export { attachRemote } from './attach.js';
export { openRemoteTable } from './remote-table.js';
export type { MirrorOptions, MirrorReport } from './mirror.js';
export { mirror, MIRROR_MANIFEST } from './mirror.js';
