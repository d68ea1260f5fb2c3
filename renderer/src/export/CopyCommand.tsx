import { useState } from 'react';

/** "Copy as command": the export as a `pond export` command line, for scripts and cron. */
export function CopyCommand({ command }: { command: string }) {
  const [note, setNote] = useState<string>();
  return (
    <span className="copy-command">
      <button
        onClick={() =>
          navigator.clipboard.writeText(command).then(
            () => setNote('Copied'),
            () => setNote('The clipboard refused: select the command below'),
          )
        }
      >
        Copy as command
      </button>
      {note ? <span role="status"> {note}</span> : null}
      <code className="command" data-testid="command">
        {command}
      </code>
    </span>
  );
}
