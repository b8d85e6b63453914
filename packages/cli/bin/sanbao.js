#!/usr/bin/env node
import { run } from '../dist/main.js';

const code = await run(process.argv.slice(2), {
  out: process.stdout,
  err: process.stderr,
  cwd: process.cwd(),
  tty: process.stderr.isTTY,
});
// Exit explicitly: the embedded database's exit hooks would otherwise replace the exit code.
process.exit(code);
