import type { ErrorInfo } from '../../../shared/errors';

/** An error with everything the engine said: code, message, the offending input and the cause. */
export function ErrorView({ error, title }: { error: ErrorInfo; title?: string }) {
  return (
    <div className="error" role="alert" data-code={error.code}>
      <div className="error-head">
        <span className="error-code">{error.code}</span> {title ? <strong>{title}: </strong> : null}
        <span className="error-message">{error.message}</span>
      </div>
      {error.input !== undefined && error.input !== '' ? (
        <pre className="error-input" aria-label="input">
          {error.input}
        </pre>
      ) : null}
      {error.cause !== undefined ? (
        <div className="error-cause">
          <span className="label">cause:</span> {error.cause}
        </div>
      ) : null}
    </div>
  );
}
