/**
 * npm run bench:ledger — a department's ledger of 1,000,000 rows (generated) imported end to end: the file read and
 * every row validated, COPY into the database, checked against the register and merged (new persons and category
 * spells), on the embedded PostgreSQL in a temporary folder. Then the next month's ledger of the same size (2% gone,
 * 1% new, 1% ended) and the same file again. Writes its figures into docs/BENCHMARKS.md between the bench:ledger
 * markers.
 */
import { checkDigit, seededRandom } from '@sanbao/core';
import { importLedger, type ImportResult } from '@sanbao/server';
import { measuredOn, publish, withScratchDatabase } from './benchmarks-doc.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const COUNTIES = ['341602', '341621', '341622', '341623'];
const CATEGORIES = ['特困人员', '低保对象', '低保边缘家庭成员'];
const TOWNSHIPS = ['古井镇', '十八里镇', '城父镇', '五马镇', '魏岗镇', '大杨镇'];

interface Person {
  certno: string;
  name: string;
  category: string;
  begin: string;
  end: string;
  admdvs: string;
  township: string;
}

/** Distinct, valid ID numbers: a county, a birth day between 1930 and 2019, a sequence number. */
function people(count: number): Person[] {
  const random = seededRandom(20261122);
  const result: Person[] = [];
  const start = Date.UTC(1930, 0, 1);
  for (let i = 0; i < count; i++) {
    const admdvs = COUNTIES[i % COUNTIES.length]!;
    // 3,600 people (4 counties × 900 sequence numbers) per birth day, birth days 37 days apart.
    const day = new Date(start + Math.floor(i / (COUNTIES.length * 900)) * 37 * 86_400_000)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const sequence = String((Math.floor(i / COUNTIES.length) % 900) + 100);
    const first17 = `${admdvs}${day}${sequence}`;
    result.push({
      certno: first17 + checkDigit(first17),
      name: `居民${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅卯辰巳午未申酉戌亥'[Math.floor(i / 10) % 12]}`,
      category: CATEGORIES[Math.floor(random() * CATEGORIES.length)]!,
      begin: `20${String(18 + Math.floor(random() * 8)).padStart(2, '0')}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
      end: '',
      admdvs,
      township: TOWNSHIPS[i % TOWNSHIPS.length]!,
    });
  }
  return result;
}

function csv(rows: Person[]): Buffer {
  const lines = ['身份证号码,姓名,人员类别,认定日期,终止日期,行政区划代码,乡镇（街道）'];
  for (const p of rows) lines.push(`${p.certno},${p.name},${p.category},${p.begin},${p.end},${p.admdvs},${p.township}`);
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

await withScratchDatabase(4, async (pool) => {
  await pool.query(
    `insert into regions (admdvs, name, parent, policy_id) values ('341600', '亳州市', null, 'anhui/bozhou'),
       ('341602', '谯城区', '341600', 'anhui/bozhou'), ('341621', '涡阳县', '341600', 'anhui/bozhou'),
       ('341622', '蒙城县', '341600', 'anhui/bozhou'), ('341623', '利辛县', '341600', 'anhui/bozhou')`,
  );
  const everyone = people(Math.round(ROWS * 1.01));
  const may = everyone.slice(0, ROWS);
  // June: the first 2% have left, 1% are new, and 1% have an end date now.
  const june = everyone.slice(Math.round(ROWS * 0.02)).map((p, i) => (i % 100 === 0 ? { ...p, end: '2026-05-31' } : p));
  const mayFile = csv(may);
  const juneFile = csv(june.slice(0, ROWS));

  const timed = async (file: Buffer, date: string): Promise<{ seconds: number; result: ImportResult }> => {
    const started = process.hrtime.bigint();
    const result = await importLedger(pool, file, {
      department: 'civil_affairs',
      region: '341600',
      ledgerDate: date,
      mode: 'atomic',
      fileName: `bench-${date}.csv`,
      actor: 'bench',
    });
    if (result.status === 'refused') throw new Error(`refused: ${JSON.stringify(result.problems.slice(0, 3))}`);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
  };
  const first = await timed(mayFile, '2026-05-01');
  const second = await timed(juneFile, '2026-06-01');
  const again = await timed(juneFile, '2026-06-01');
  const spells = Number((await pool.query('select count(*) from person_categories')).rows[0].count);

  const mb = (bytes: Buffer): string => `${(bytes.length / 2 ** 20).toFixed(0)} MB`;
  const line = (label: string, file: Buffer, { seconds, result }: { seconds: number; result: ImportResult }): string =>
    `| ${label} | ${result.totalRows.toLocaleString('en-US')} (${mb(file)}) | ${seconds.toFixed(1)} s | ${result.status === 'duplicate' ? '—' : Math.round(result.totalRows / seconds).toLocaleString('en-US')} | ${result.personsCreated.toLocaleString('en-US')} / ${result.spellsCreated.toLocaleString('en-US')} / ${result.spellsChanged.toLocaleString('en-US')} / ${result.spellsEnded.toLocaleString('en-US')} | ${result.status} |`;
  const report = [
    `${measuredOn()}, embedded PostgreSQL 18 on the same machine.`,
    `Command: \`npm run bench:ledger\` (BENCH_ROWS=${ROWS}). Each import: read and validate every row (GB 11643, names, categories, dates, regions, duplicates), COPY, check names against the register, merge in one transaction (mode atomic).`,
    '',
    '| import | rows | time | rows/s | persons created / spells created / changed / ended | result |',
    '|---|---:|---:|---:|---|---|',
    line('first ledger (empty register)', mayFile, first),
    line('next month (2% gone, 1% new, 1% ended)', juneFile, second),
    line('the same file again', juneFile, again),
    '',
    `Target: 1,000,000 rows in under 60 s. Spells in the register afterwards: ${spells.toLocaleString('en-US')}.`,
  ].join('\n');
  publish('ledger', report);
});
