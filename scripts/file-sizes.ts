/**
 * `npm run lint` runs this: no TypeScript source in packages/<name>/src, scripts/ or bench/ has more than 300
 * lines, unless it is listed below with the reason it stays whole. A long file is read in pieces and changed
 * blindly; splitting it by responsibility keeps each piece one thing a reader can hold. Lines are counted as `wc -l`
 * counts them (plus a last line without its line feed), without compiling anything. Prints each file over the limit
 * and fails if there is one.
 *
 * With a folder as its argument it checks that folder's tree instead of this repository's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIMIT = 300;

/**
 * Files that may stay over the limit, by path from the repository's root, each with the one sentence that says why.
 * Keep it short: an entry whose file is back under the limit, or gone, fails the check until it is removed.
 */
const REASONS: Record<string, string> = {};

/** Test files are exempt as a rule, for this reason. */
const TESTS_REASON =
  'a test file holds the cases of one subject, and splitting it scatters the subject across files a reader must join';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));

/** The .ts and .tsx files under a folder (node_modules and build output left out), as paths from the root with `/`. */
function sources(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sources(path);
    return entry.isFile() && /\.tsx?$/.test(entry.name) ? [relative(root, path).split(sep).join('/')] : [];
  });
}

function lineCount(path: string): number {
  const text = readFileSync(join(root, path), 'utf8');
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const packages = existsSync(join(root, 'packages')) ? readdirSync(join(root, 'packages')) : [];
const files = [
  ...packages.map((name) => join(root, 'packages', name, 'src')),
  join(root, 'scripts'),
  join(root, 'bench'),
]
  .flatMap(sources)
  // Generated at build time from the platform's OpenAPI document, not written by hand (and not committed).
  .filter((path) => path !== 'packages/web/src/api/schema.ts')
  .sort();

const failures: string[] = [];
let tests = 0;
let reasoned = 0;
const sizes = new Map(files.map((path) => [path, lineCount(path)]));
for (const [path, lines] of sizes) {
  if (lines <= LIMIT) continue;
  if (path.endsWith('.test.ts')) tests++;
  else if (REASONS[path] !== undefined) reasoned++;
  else
    failures.push(
      `${path}: ${lines} lines, over the limit of ${LIMIT}: split it by responsibility, or give the reason it stays ` +
        'whole in scripts/file-sizes.ts',
    );
}
for (const path of Object.keys(REASONS).sort()) {
  const lines = sizes.get(path);
  if (lines === undefined || lines <= LIMIT)
    failures.push(
      `scripts/file-sizes.ts lists ${path} with a reason, but ${lines === undefined ? 'there is no such file' : `it has ${lines} lines`}: remove the entry`,
    );
}

if (failures.length > 0) {
  process.stderr.write(`${failures.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(
  `${files.length} source files, none over ${LIMIT} lines but the exempt test files (${tests}: ${TESTS_REASON})` +
    ` and those with a written reason (${reasoned})\n`,
);
