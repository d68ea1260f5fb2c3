import type { ErrorInfo } from '../../../shared/errors';

/** A source URL as the engine's messages write it (`host+csv+table:///empty.csv`). */
const SOURCE_URL = /[a-z][a-z0-9]*(?:\+[a-z0-9]+)*:\/\/[^\s'"]*/gi;

/**
 * The engine's error about one file of the wizard as its screen shows it: the file named once,
 * by the name the user dropped, not by the CLI's source URL (the screen is the file's own, and
 * the command line under it shows the URL for who wants it).
 */
export function fileError(error: ErrorInfo, name: string): { error: ErrorInfo; title: string } {
  const isFile = (text: string) => namesFile(text, name);
  const message = error.message.replace(SOURCE_URL, (url) => {
    // A URL ends a clause now and then ("…/empty.csv: …"): keep what follows it.
    const m = /^(.*?)([:,.;)]*)$/.exec(url)!;
    return isFile(m[1]!) ? name + m[2]! : url;
  });
  const shown: ErrorInfo = { ...error, message };
  if (error.input !== undefined && (error.input === name || isFile(error.input)))
    delete shown.input;
  return {
    error: shown,
    title: message.includes(name) ? 'Cannot import' : `Cannot import ${name}`,
  };
}

function namesFile(url: string, name: string): boolean {
  if (!/^[a-z][a-z0-9+]*:\/\//i.test(url)) return false;
  const last =
    url
      .replace(/[?#].*$/, '')
      .split('/')
      .at(-1) ?? '';
  try {
    return decodeURIComponent(last) === name;
  } catch {
    return last === name;
  }
}
