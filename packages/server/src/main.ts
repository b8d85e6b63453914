/** `npm start`: the platform on this machine, on its own PostgreSQL unless DATABASE_URL says otherwise. */
import { readConfig } from './config.js';
import { startPlatform } from './platform.js';

const log = (line: string): void => {
  process.stdout.write(`[sanbao] ${line}\n`);
};

const platform = await startPlatform(readConfig(), log);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log('正在停止…');
    platform.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
