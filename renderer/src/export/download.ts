import { DOWNLOAD_PREFIX } from '../../../shared/wire';

/**
 * Starts the browser's own download of a finished export job (pond serve): a plain link the
 * page's cookie authorises, so the file streams to disk and never through the page's memory.
 */
export function startDownload(jobId: string): void {
  const a = document.createElement('a');
  a.href = `${DOWNLOAD_PREFIX}${encodeURIComponent(jobId)}`;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
