import { ErrorCode, type ErrorInfo } from '../../../shared/errors';

/**
 * An error with everything the engine said: code, message, the offending input and the cause.
 * A lost connection is said once, by the banner at the top: here it is only a quiet note.
 */
export function ErrorView({ error, title }: { error: ErrorInfo; title?: string }) {
  if (error.code === ErrorCode.Disconnected) {
    return (
      <div className="muted waiting" data-code={error.code}>
        Waiting for pond serve…
      </div>
    );
  }
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
