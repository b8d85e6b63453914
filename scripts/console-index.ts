/**
 * `npm run screenshots` ends here: docs/console/README.md lists the screenshots the browser tests took into
 * docs/console (named NN-画面, in the order of the menu), each with its name and picture.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('../docs/console/', import.meta.url));
const shots = readdirSync(folder)
  .filter((name) => name.endsWith('.png'))
  .sort((a, b) => a.localeCompare(b, 'zh-CN', { numeric: true }));
const lines = [
  '# The staff console, screen by screen',
  '',
  'Taken by the browser tests on the demo city (Debian Chromium, 1440 × 900, full page): `npm run screenshots`',
  'runs them again and rewrites this page. Users and what each may see: the README, "The staff console".',
  '',
  ...shots.flatMap((name) => [
    `## ${name
      .replace(/^\d+-/, '')
      .replace(/\.png$/, '')
      .replaceAll('-', ' · ')}`,
    '',
    `![](${encodeURI(name)})`,
    '',
  ]),
];
writeFileSync(`${folder}README.md`, lines.join('\n'));
process.stdout.write(`docs/console/README.md: ${shots.length} 张截图\n`);
