import { StreamLanguage, type StringStream } from '@codemirror/language';

/**
 * Enough YAML for factory configs, as a CodeMirror stream language: comments, keys, quoted
 * strings, numbers, booleans and list dashes are told apart for highlighting. (The engine's
 * parser is what reads the config; this only colours it.)
 */
interface State {
  /** At the start of a line's content (a key may follow). */
  lineStart: boolean;
}

export const yamlLanguage = StreamLanguage.define<State>({
  name: 'yaml',
  startState: () => ({ lineStart: true }),
  token(stream: StringStream, state: State): string | null {
    if (stream.sol()) state.lineStart = true;
    if (stream.eatSpace()) return null;
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    if (state.lineStart && stream.match(/^-(?=\s|$)/)) return 'punctuation';
    state.lineStart = false;
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'(?:[^']|'')*'?/)) return 'string';
    // A key: a plain word before `: ` (at a line's start, or inside a { flow: mapping }).
    if (stream.match(/^[\w.$-]+(?=\s*:(\s|$))/)) return 'propertyName';
    if (stream.match(/^-?\d+(\.\d+)?([eE][-+]?\d+)?(?=[\s,\]}]|$)/)) return 'number';
    if (stream.match(/^(true|false|null|~)(?=[\s,\]}]|$)/)) return 'atom';
    if (stream.match(/^[{}[\],:]/)) return 'punctuation';
    if (!stream.match(/^[^\s,\]}#:]+/)) stream.next();
    return 'string';
  },
  languageData: { commentTokens: { line: '#' } },
});
