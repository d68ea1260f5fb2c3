import nunjucks from 'nunjucks';
import { ErrorCode, PondError, messageOf } from '../../shared/errors.js';
import { resolveSource } from '../query/source.js';
import type { PondTxn } from '../tlogfs/transaction.js';

/** A template to render after an export, from a pond path or a host:/// file. */
export interface ExportTemplate {
  /** As given on the command line; named in errors. */
  label: string;
  /** The file the rendered page gets: the template's name without .njk/.tmpl/.j2/.tera. */
  outputName: string;
  template: nunjucks.Template;
}

const env = new nunjucks.Environment(null, {
  autoescape: false, // pages are Markdown, JS or HTML written by the user
  throwOnUndefined: true, // a misspelt variable is an error, not an empty string
});

/** Compiles a template now, so a syntax error stops the export before anything is written. */
export function compileTemplate(label: string, source: string): ExportTemplate {
  const base = label.split('/').pop() ?? label;
  const outputName = base.replace(/\.(njk|tmpl|j2|tera)$/, '');
  if (outputName === base) {
    throw new PondError(
      ErrorCode.TemplateError,
      `template ${label}: name it with a .njk, .tmpl, .j2 or .tera extension (the page keeps the rest of the name)`,
      {
        input: label,
      },
    );
  }
  try {
    return { label, outputName, template: new nunjucks.Template(source, env, label, true) };
  } catch (e) {
    throw templateError(label, e);
  }
}

export function renderTemplate(t: ExportTemplate, context: Record<string, unknown>): string {
  try {
    return t.template.render(context);
  } catch (e) {
    throw templateError(t.label, e);
  }
}

function templateError(label: string, e: unknown): PondError {
  const err = e as { lineno?: number; colno?: number };
  const text = messageOf(e);
  // nunjucks puts "(path) [Line n, Column m]" on the first line of its message, then the reason.
  const m = /\[Line (\d+)(?:, Column (\d+))?\]/.exec(text);
  const line = err.lineno ?? (m ? Number(m[1]) : undefined);
  const column = err.colno ?? (m?.[2] ? Number(m[2]) : undefined);
  const where = line ? ` line ${line}${column ? `, column ${column}` : ''}` : '';
  const reason = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('(') && !l.startsWith('Template render error'))
    .join(' ');
  return new PondError(ErrorCode.TemplateError, `template ${label}${where}: ${reason}`, {
    input: label,
    cause: e,
  });
}

/** Reads and compiles templates (pond paths or host:/// URLs), so errors come before any write. */
export async function loadTemplates(
  txn: PondTxn,
  labels: string[],
  hostRoot: string | undefined,
): Promise<ExportTemplate[]> {
  const out: ExportTemplate[] = [];
  for (const label of labels) {
    const source = await resolveSource(label, {
      session: txn.session,
      txn,
      ...(hostRoot ? { hostRoot } : {}),
    });
    if (source.kind !== 'bytes') {
      throw new PondError(
        ErrorCode.TemplateError,
        `template ${label} is a ${source.entryType}, not a text file`,
        { input: label },
      );
    }
    out.push(compileTemplate(label, Buffer.from(await source.read()).toString('utf8')));
  }
  return out;
}
