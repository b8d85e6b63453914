/**
 * scrypt of passwords sent by clients (login, the old password of a change), computed in worker threads at the
 * lowest CPU priority: off the event loop, and on a busy machine only with CPU that nothing else wants, so that a
 * flood of logins slows logins, not the HIS interface. On Linux a thread's nice value is its own (`setpriority` on
 * the calling thread); elsewhere the priority is left as it is, since it could apply to the whole process.
 *
 * The parameters are crypto.scrypt's defaults (N = 16384, r = 8, p = 1), 32 bytes: the same hashes as before.
 */
import { Worker } from 'node:worker_threads';

const THREAD = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
if (process.platform === 'linux') {
  try {
    require('node:os').setPriority(19);
  } catch {
    // not allowed here: hash at the inherited priority
  }
}
parentPort.on('message', ({ password, salt }) => {
  try {
    parentPort.postMessage({ key: scryptSync(password, salt, 32).toString('hex') });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
`;

/** Threads started on demand, one per hash computing at once; callers bound that number (the login gate). */
export class Hasher {
  private readonly idle: Worker[] = [];

  constructor(private readonly keepIdle: () => number) {}

  /** scrypt(password, salt, 32) as hex. */
  async scrypt(password: string, salt: string): Promise<string> {
    const worker = this.idle.pop() ?? this.start();
    try {
      const key = await new Promise<string>((resolve, reject) => {
        const done = (): void => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        const onMessage = (reply: { key?: string; error?: string }): void => {
          done();
          if (reply.key !== undefined) resolve(reply.key);
          else reject(new Error(reply.error ?? 'scrypt failed'));
        };
        const onError = (error: Error): void => {
          done();
          reject(error);
        };
        const onExit = (): void => {
          done();
          reject(new Error('the hashing thread stopped'));
        };
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.once('exit', onExit);
        worker.postMessage({ password, salt });
      });
      if (this.idle.length < this.keepIdle()) this.idle.push(worker);
      else void worker.terminate();
      return key;
    } catch (error) {
      void worker.terminate();
      throw error;
    }
  }

  private start(): Worker {
    const worker = new Worker(THREAD, { eval: true });
    // An idle hashing thread does not keep the process alive.
    worker.unref();
    return worker;
  }
}
