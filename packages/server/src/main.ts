/** `npm start`: the platform on this machine, on its own PostgreSQL unless DATABASE_URL says otherwise. */
import { readConfig } from './config.js';
import { startPlatform } from './platform.js';
import { IdentityKeyError } from './security/identity.js';

const log = (line: string): void => {
  process.stdout.write(`[sanbao] ${line}\n`);
};

const platform = await startPlatform(readConfig(), log).catch((error: unknown) => {
  // No key for an external database, or not the data's key: said in Chinese, without a stack.
  if (!(error instanceof IdentityKeyError)) throw error;
  log(error.message);
  process.exit(1);
});
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
