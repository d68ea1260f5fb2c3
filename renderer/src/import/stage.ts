import type { AppInfo } from '../../../shared/api';
import { ErrorCode, PondError } from '../../../shared/errors';
import type { PondClient } from '../../../shared/wire';
import { uploadFile, type Upload } from '../client/upload';
import { formatBytes } from '../common/format';

/**
 * Hands a file the user dropped or picked to the process that owns the pond: the desktop app's
 * preload reads its path (no copy), `pond serve` gets its bytes (an upload with progress, refused
 * at once when larger than the limit the server states).
 */
export function stageFile(
  client: PondClient,
  app: AppInfo | undefined,
  pond: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Upload {
  if (client.stageDroppedFile) {
    return { done: client.stageDroppedFile(file), abort: () => undefined };
  }
  const limit = app?.uploadLimitBytes;
  if (limit !== undefined && file.size > limit) {
    return {
      done: Promise.reject(
        new PondError(
          ErrorCode.InvalidArgument,
          `${file.name} is ${formatBytes(file.size)}, and pond serve takes files of at most ${formatBytes(limit)} (pond serve --max-upload)`,
          { input: file.name },
        ),
      ),
      abort: () => undefined,
    };
  }
  return uploadFile(pond, file, onProgress);
}
