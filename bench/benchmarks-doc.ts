/** Each benchmark prints its figures and writes them into docs/BENCHMARKS.md between its own markers. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function publish(name: string, report: string): void {
  process.stdout.write(`${report}\n`);
  const file = fileURLToPath(new URL('../docs/BENCHMARKS.md', import.meta.url));
  const text = readFileSync(file, 'utf8');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`docs/BENCHMARKS.md lacks the ${start} … ${end} markers`);
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${report}\n${text.slice(to)}`);
}
