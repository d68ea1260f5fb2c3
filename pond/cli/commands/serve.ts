import type { Command } from 'commander';
import { ErrorCode, PondError, isPondError } from '../../../shared/errors.js';
import { appDataDir } from '../../service/app-data.js';
import { DEFAULT_UPLOAD_LIMIT_BYTES } from '../../service/upload-limit.js';
import { DEFAULT_QUERY_TIME_LIMIT_MS } from '../../service/query-time-limit.js';
import type { CliContext } from '../context.js';
import { wholeNumberFlag } from '../numeric-flag.js';
import { printErr, writeOut } from '../output.js';
import { stopSignal } from '../stop-signal.js';

interface ServeOptions {
  port: string;
  host: string;
  demo?: boolean;
  queryTimeout: string;
  exportRoot?: string;
  maxUpload: string;
}

const MIB = 1024 * 1024;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function registerServe(command: Command, ctx: CliContext): void {
  command
    .option('--port <n>', 'the port to listen on (0: any free port)', '0')
    .option(
      '--host <address>',
      'the address to listen on (keep 127.0.0.1; reach a remote pond through an SSH tunnel)',
      '127.0.0.1',
    )
    .option('--demo', 'serve the demo pond (made in the app data folder on first use)')
    .option(
      '--query-timeout <seconds>',
      "stop a query of the app (a preview, a chart, a derived series' time range) after this many seconds (0: no limit)",
      String(DEFAULT_QUERY_TIME_LIMIT_MS / 1000),
    )
    .option(
      '--export-root <dir>',
      'let the app export into this host folder (and only into it); without it the browser cannot export',
    )
    .option(
      '--max-upload <MiB>',
      'the largest file the browser may upload to import, in MiB',
      String(DEFAULT_UPLOAD_LIMIT_BYTES / MIB),
    )
    .action(async (o: ServeOptions) => {
      const port = wholeNumberFlag('--port', o.port, { min: 0, max: 65535 });
      const maxUpload = wholeNumberFlag('--max-upload', o.maxUpload, {
        min: 1,
        max: Math.floor(Number.MAX_SAFE_INTEGER / MIB),
      });
      if (!/^\d+(\.\d+)?$/.test(o.queryTimeout)) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `--query-timeout must be a number of seconds (0 for no limit), not '${o.queryTimeout}'`,
          { input: o.queryTimeout },
        );
      }
      if (!o.demo && !ctx.hasPond()) {
        throw new PondError(
          ErrorCode.NotAPond,
          'no pond given: use --pond PATH, set POND, or serve the demo pond with --demo',
        );
      }
      const { checkRendererBundle, rendererBundleDir } =
        await import('../../serve/renderer-bundle.js');
      const { startServer } = await import('../../serve/http-server.js');
      const { chosenToken } = await import('../../serve/auth.js');
      const token = chosenToken(process.env['POND_SERVE_TOKEN']);
      const { LocalPondService } = await import('../../service/pond-service.js');
      const staticDir = checkRendererBundle(
        process.env['POND_RENDERER_DIR'] ?? rendererBundleDir(),
      );
      const service = new LocalPondService({
        mode: 'browser',
        appData: appDataDir(),
        queryTimeLimitMs: Math.round(Number(o.queryTimeout) * 1000),
        uploadLimitBytes: maxUpload * MIB,
        ...(o.exportRoot === undefined ? {} : { exportRoot: o.exportRoot }),
      });
      // A missing export root is an error now, not at the first export.
      await service.exports();
      const stopProgress = service.onJobEvent((j) => {
        if (j.state === 'running') printErr(`pond serve: ${j.progress.message}`);
      });
      // From here on SIGINT/SIGTERM stop the server cleanly: queries and jobs (the demo build
      // included) are cancelled, the ponds closed, and the exit code is 0.
      const stop = stopSignal('pond serve');
      try {
        const pond = o.demo
          ? await service.openDemoPond(undefined, { signal: stop.signal })
          : await service.openPath(ctx.pondPath());
        stopProgress();
        if (stop.signal.aborted) return;
        const server = await startServer({
          service,
          staticDir,
          host: o.host,
          port,
          ...(token === undefined ? {} : { token }),
        });
        if (!LOOPBACK.has(o.host)) {
          printErr(
            `pond serve: listening on ${o.host}, reachable from other machines (the token still guards every request); prefer 127.0.0.1 and an SSH tunnel`,
          );
          printErr(
            `pond serve: open it by ${o.host === '0.0.0.0' || o.host === '::' ? 'an IP address of this machine' : o.host} with port ${server.port}: host names other than localhost are refused (DNS rebinding)`,
          );
        }
        const root = (await service.exports()).destinations.exportRoot;
        await writeOut(
          `Serving ${pond.path} (transaction ${pond.lastTxn})\n` +
            (root ? `Exports go under ${root}\n` : '') +
            `Open ${server.url}\nPress Ctrl+C to stop.\n`,
        );
        await stop.requested;
        // Closing the connections aborts their calls, which interrupts their queries.
        await server.close();
      } catch (e) {
        // Stopped while the demo pond was being made: the build was cancelled, as asked.
        if (!(stop.signal.aborted && isPondError(e, ErrorCode.Cancelled))) throw e;
      } finally {
        stopProgress();
        await service.close();
        stop.dispose();
      }
    });
}
