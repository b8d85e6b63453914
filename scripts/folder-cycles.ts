/**
 * `npm run lint` runs this: the server's rooms (its folders, and its top-level files each on their own) must not
 * import each other in a cycle. Tests are left out (they may reach anywhere). Prints the cycle and fails if there is
 * one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'server', 'src');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The room of a file: its first folder under src, or the file itself at the top. */
function roomOf(path: string): string {
  const [first = ''] = relative(root, path).split(sep);
  return first.replace(/\.ts$/, '');
}

const edges = new Map<string, Set<string>>();
for (const file of sources(root)) {
  const from = roomOf(file);
  for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const to = roomOf(normalize(join(dirname(file), match[1]!.replace(/\.js$/, '.ts'))));
    if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
  }
}

/** A path from `start` back to itself, if there is one. */
function cycleThrough(start: string): string[] | undefined {
  const stack: [string, string[]][] = [[start, [start]]];
  const seen = new Set<string>();
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [room, path] = next;
    for (const to of edges.get(room) ?? []) {
      if (to === start) return [...path, start];
      if (!seen.has(to)) {
        seen.add(to);
        stack.push([to, [...path, to]]);
      }
    }
  }
  return undefined;
}

for (const room of [...edges.keys()].sort()) {
  const cycle = cycleThrough(room);
  if (cycle) {
    process.stderr.write(`packages/server/src: the rooms import each other in a cycle: ${cycle.join(' → ')}\n`);
    process.exit(1);
  }
}
process.stdout.write(`packages/server/src: ${edges.size} rooms, no import cycle\n`);
