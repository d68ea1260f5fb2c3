import { useState } from 'react';
import type { JobInfo } from '../../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import { ErrorView } from '../common/ErrorView';
import { useClient } from '../state/app-store';

/**
 * A running job as every panel shows it: a bar (filling once the job knows its total), its
 * message and Cancel; a cancel the service refuses says why.
 */
export function JobProgress({
  job,
  label = 'working',
  messageTestId,
}: {
  job: JobInfo;
  /** The bar's accessible name. */
  label?: string;
  messageTestId?: string;
}) {
  const client = useClient();
  const [error, setError] = useState<ErrorInfo>();
  const { done, total, message } = job.progress;
  return (
    <>
      {total !== undefined && total > 0 ? (
        <progress aria-label={label} max={total} value={done} />
      ) : (
        <progress aria-label={label} />
      )}
      <span data-testid={messageTestId}>{message}</span>
      <button
        onClick={() => client.cancelJob(job.id).catch((e: unknown) => setError(toErrorInfo(e)))}
      >
        Cancel
      </button>
      {error ? <ErrorView error={error} title="Cannot cancel" /> : null}
    </>
  );
}
