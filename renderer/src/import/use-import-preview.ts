import { useEffect, useRef, useState } from 'react';
import type { ImportFilePreview, ImportFileSpec } from '../../../shared/app-import';
import { ErrorCode, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { queryTag } from '../query/query-tag';
import { useClient } from '../state/app-store';

/** Edits typed in quick succession are previewed once. */
const DEBOUNCE_MS = 250;

export interface ImportPreviewState {
  /** The newest preview that arrived (for an earlier spec while `fresh` is false). */
  preview: ImportFilePreview | undefined;
  /** `preview` is of the spec as it is now. */
  fresh: boolean;
  running: boolean;
  /** Why the spec as it is now cannot be planned or previewed. */
  error: ErrorInfo | undefined;
}

/**
 * Plans and previews one file of the wizard whenever its spec changes (a scan of the whole file
 * in the engine). A preview still running for an older spec is stopped in the engine, by cancel
 * and by the newer call in the same slot; the last preview stays shown meanwhile.
 */
export function useImportPreview(
  pond: string,
  screen: string,
  spec: ImportFileSpec | undefined,
): ImportPreviewState {
  const client = useClient();
  const key = spec ? JSON.stringify(spec) : '';
  const [state, setState] = useState<ImportPreviewState>({
    preview: undefined,
    fresh: false,
    running: false,
    error: undefined,
  });
  const latest = useRef(key);
  latest.current = key;

  useEffect(() => {
    if (!spec) return;
    setState((s) => ({ ...s, fresh: false, running: true, error: undefined }));
    let tag: ReturnType<typeof queryTag> | undefined;
    let settled = false;
    const timer = setTimeout(() => {
      tag = queryTag(`import-${screen}`);
      client.importPreview({ pond, file: spec, query: tag }).then(
        (preview) => {
          settled = true;
          if (latest.current === key)
            setState({ preview, fresh: true, running: false, error: undefined });
        },
        (e: unknown) => {
          settled = true;
          const error = toErrorInfo(e);
          if (latest.current !== key || error.code === ErrorCode.Cancelled) return;
          setState((s) => ({ ...s, fresh: false, running: false, error }));
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      if (tag && !settled) void client.cancelQuery(tag.id).catch(() => undefined);
    };
  }, [client, pond, screen, key]);

  return state;
}
