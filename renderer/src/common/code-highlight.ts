import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

/**
 * The code editors' colours (SQL, YAML), from the page's `--code-*` variables so that they follow
 * the light and dark themes: CodeMirror's default style is made for a light background, and its
 * dark blues and reds could hardly be read on the dark one.
 */
export const codeHighlighting = syntaxHighlighting(
  HighlightStyle.define([
    {
      tag: [t.keyword, t.operatorKeyword, t.modifier, t.controlKeyword],
      color: 'var(--code-keyword)',
    },
    { tag: [t.string, t.special(t.string), t.regexp], color: 'var(--code-string)' },
    { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--code-literal)' },
    {
      tag: [t.comment, t.lineComment, t.blockComment],
      color: 'var(--code-comment)',
      fontStyle: 'italic',
    },
    { tag: [t.propertyName, t.definition(t.propertyName)], color: 'var(--code-property)' },
    { tag: [t.typeName, t.standard(t.name)], color: 'var(--code-type)' },
    { tag: t.invalid, color: 'var(--err-fg)' },
  ]),
);
