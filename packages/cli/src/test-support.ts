/** Runs the `sanbao` command in-process, as the tests of the commands need it: exit code and what it printed. */
import { run } from './main.js';

export async function sanbaoIn(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, {
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
    cwd,
  });
  return { code, out, err };
}
