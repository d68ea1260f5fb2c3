import type { ConfigProblem } from '../../../shared/api';

/** Line and column of an offset, as editors count them (from 1). */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** The engine's errors and warnings about the config; choosing one puts the cursor there. */
export function ProblemList({
  problems,
  text,
  onJump,
}: {
  problems: ConfigProblem[];
  text: string;
  onJump(from: number): void;
}) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems" aria-label="Problems" data-testid="config-problems">
      {problems.map((p, i) => (
        <li key={i} className={`problem ${p.severity}`} data-severity={p.severity}>
          <span className="problem-kind">{p.severity === 'error' ? '✖ error' : '⚠ warning'}</span>{' '}
          {p.from !== undefined ? (
            <button className="link" onClick={() => onJump(p.from!)}>
              {position(text, p.from)}
            </button>
          ) : null}{' '}
          <span className="problem-message">{p.message}</span>
          {p.cause ? <div className="muted">cause: {p.cause}</div> : null}
        </li>
      ))}
    </ul>
  );
}
