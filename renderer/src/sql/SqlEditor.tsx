import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { sql } from '@codemirror/lang-sql';
import { bracketMatching } from '@codemirror/language';
import { Prec } from '@codemirror/state';
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { codeHighlighting } from '../common/code-highlight';

interface Props {
  /** The text when the editor is made; later changes come from `setText` via the key. */
  initial: string;
  onChange(text: string): void;
  /** Ctrl+Enter (Cmd+Enter on macOS). */
  onRun(text: string): void;
}

/** CodeMirror with SQL highlighting; `source` is the node being previewed. */
export function SqlEditor({ initial, onChange, onRun }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const handlers = useRef({ onChange, onRun });
  handlers.current = { onChange, onRun };

  useEffect(() => {
    const run = keymap.of([
      {
        key: 'Mod-Enter',
        run: (view) => {
          handlers.current.onRun(view.state.doc.toString());
          return true;
        },
      },
    ]);
    const view = new EditorView({
      doc: initial,
      parent: host.current!,
      extensions: [
        Prec.highest(run),
        history(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        lineNumbers(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        codeHighlighting,
        sql(),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'SQL over source' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) handlers.current.onChange(u.state.doc.toString());
        }),
      ],
    });
    return () => view.destroy();
    // The editor is made once per key (the parent remounts it to load another query).
  }, []);

  return <div className="sql-editor" ref={host} />;
}
