import type { Command } from 'commander';
import { ErrorCode, PondError } from '../../../shared/errors.js';
import { startServer } from '../../serve/http-server.js';
import { checkRendererBundle, rendererBundleDir } from '../../serve/renderer-bundle.js';
import { appDataDir } from '../../service/app-data.js';
import { LocalPondService } from '../../service/pond-service.js';
import type { CliContext } from '../context.js';
import { printErr, writeOut } from '../output.js';

interface ServeOptions {
  port: string;
  host: string;
  demo?: boolean;
  exportRoot?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(
      'serve the app to a browser: the pond over HTTP on 127.0.0.1, every request guarded by a per-run token',
    )
    .option('--port <n>', 'the port to listen on (0: any free port)', '0')
    .option(
      '--host <address>',
      'the address to listen on (keep 127.0.0.1; reach a remote pond through an SSH tunnel)',
      '127.0.0.1',
    )
    .option('--demo', 'serve the demo pond (made in the app data folder on first use)')
    .option(
      '--export-root <dir>',
      'let the app export into this host folder (and only into it); without it the browser cannot export',
    )
    .action(async (o: ServeOptions) => {
      if (!/^\d+$/.test(o.port) || Number(o.port) > 65535) {
        throw new PondError(
          ErrorCode.InvalidArgument,
          `--port must be a number from 0 to 65535, not '${o.port}'`,
          { input: o.port },
        );
      }
      if (!o.demo && !ctx.hasPond()) {
        throw new PondError(
          ErrorCode.NotAPond,
          'no pond given: use --pond PATH, set POND, or serve the demo pond with --demo',
        );
      }
      const staticDir = checkRendererBundle(
        process.env['POND_RENDERER_DIR'] ?? rendererBundleDir(),
      );
      const service = new LocalPondService({
        mode: 'browser',
        appData: appDataDir(),
        ...(o.exportRoot === undefined ? {} : { exportRoot: o.exportRoot }),
      });
      // A missing export root is an error now, not at the first export.
      await service.exports();
      const stopProgress = service.onJobEvent((j) => {
        if (j.state === 'running') printErr(`pond serve: ${j.progress.message}`);
      });
      try {
        const pond = o.demo ? await service.openDemoPond() : await service.openPath(ctx.pondPath());
        stopProgress();
        const server = await startServer({
          service,
          staticDir,
          host: o.host,
          port: Number(o.port),
        });
        if (!LOOPBACK.has(o.host)) {
          printErr(
            `pond serve: listening on ${o.host}, reachable from other machines (the token still guards every request); prefer 127.0.0.1 and an SSH tunnel`,
          );
        }
        const root = (await service.exports()).destinations.exportRoot;
        await writeOut(
          `Serving ${pond.path} (transaction ${pond.lastTxn})\n` +
            (root ? `Exports go under ${root}\n` : '') +
            `Open ${server.url}\nPress Ctrl+C to stop.\n`,
        );
        await untilSignal();
        await server.close();
      } finally {
        stopProgress();
        await service.close();
      }
    });
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
