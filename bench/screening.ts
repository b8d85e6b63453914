/**
 * npm run bench:screening — a full 蓝黄红 screening of 2,000,000 person-years (Guanxian's policy, after the Liaocheng
 * rural revitalization briefing, 《聊城乡村振兴简报》2022年第13期「冠县落实落细医保帮扶政策」) on the
 * embedded PostgreSQL in a temporary folder. The person-years carry the accumulators settlements leave (the yearly
 * JSON and the measured columns) with a long-tailed out-of-pocket distribution; 6% of the persons are assistance
 * targets. Timed: the first screening (raising every warning), the next one (the steady state of a scheduled run:
 * nothing new), a twice-weekly run of the targets only, and the feedback that follows the first. Writes its figures
 * into docs/BENCHMARKS.md between the bench:screening markers.
 */
import { emptyYearToDate } from '@sanbao/core';
import { insertPersons, PolicyRegistry, runDueJobs, screen, type ScreeningSummary } from '@sanbao/server';
import { measuredOn, publish, withScratchDatabase } from './benchmarks-doc.js';

const PERSON_YEARS = Number(process.env['BENCH_PERSON_YEARS'] ?? 2_000_000);
const TOWNSHIPS = [
  '烟庄街道',
  '清泉街道',
  '崇文街道',
  '店子镇',
  '定远寨镇',
  '辛集镇',
  '梁堂镇',
  '桑阿镇',
  '柳林镇',
  '范寨镇',
];
const TARGET_CATEGORIES = [
  'extreme_poverty',
  'subsistence_allowance',
  'low_income_margin',
  'monitored',
  'returned_to_poverty',
];

await withScratchDatabase(4, async (pool) => {
  await pool.query(
    `insert into regions (admdvs, name, parent, policy_id) values ('371500', '聊城市', null, 'shandong/liaocheng'),
       ('371525', '冠县', '371500', 'shandong/liaocheng/guanxian')`,
  );
  const loading = process.hrtime.bigint();
  // Persons as the platform registers them, their (made-up) ID numbers sealed and indexed, 50,000 at a time.
  for (let first = 1; first <= PERSON_YEARS; first += 50_000) {
    const batch = Array.from({ length: Math.min(50_000, PERSON_YEARS - first + 1) }, (_, k) => {
      const i = first + k;
      return {
        psnNo: `B${String(i).padStart(9, '0')}`,
        certno: `C${String(i).padStart(17, '0')}`,
        name: `居民${i}`,
        gend: i % 2 === 0 ? ('1' as const) : ('2' as const),
        brdy: new Date(Date.UTC(1940, 0, 1 + (i % 25000))).toISOString().slice(0, 10),
        admdvs: '371525',
        township: TOWNSHIPS[i % TOWNSHIPS.length]!,
      };
    });
    await insertPersons(pool, batch);
  }
  await pool.query(
    `insert into person_categories (psn_no, code, begin_date, source_dept)
     select 'B' || lpad(i::text, 9, '0'), ($2::text[])[1 + (i / 17) % $3], date '2025-01-01', 'civil_affairs'
       from generate_series(1, $1) as i where i % 17 = 0`,
    [PERSON_YEARS, TARGET_CATEGORIES, TARGET_CATEGORIES.length],
  );
  // Yearly out-of-pocket (fen): 70% under 2,000 yuan, 28% up to 30,000, 1.5% up to 100,000, 0.4% up to 300,000,
  // 0.1% up to 600,000.
  await pool.query(
    `insert into person_years (psn_no, year, ytd, personal_burden, in_scope_burden, fund_paid, settlements)
     select psn_no, 2026, $2::json, amount, amount / 2, amount, 1 + (amount / 500000)::int
       from (select 'B' || lpad(i::text, 9, '0') as psn_no,
                    (case when r < 0.70 then r / 0.70 * 200000
                          when r < 0.98 then 200000 + (r - 0.70) / 0.28 * 2800000
                          when r < 0.995 then 3000000 + (r - 0.98) / 0.015 * 7000000
                          when r < 0.999 then 10000000 + (r - 0.995) / 0.004 * 20000000
                          else 30000000 + (r - 0.999) / 0.001 * 30000000 end)::bigint as amount
               from (select i, random() as r from generate_series(1, $1) as i) g) t`,
    [PERSON_YEARS, JSON.stringify(emptyYearToDate(2026))],
  );
  await pool.query('vacuum analyze persons, person_categories, person_years');
  const loadSeconds = Number(process.hrtime.bigint() - loading) / 1e9;
  const { rows: sizes } = await pool.query<{ size: string }>(
    "select pg_size_pretty(pg_total_relation_size('person_years')) as size",
  );

  const policies = new PolicyRegistry();
  const timed = async (cadence?: 'twice_weekly'): Promise<{ seconds: number; summary: ScreeningSummary }> => {
    const started = process.hrtime.bigint();
    const summary = await screen(pool, policies, { date: '2026-06-15', now: new Date(), cadence });
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, summary };
  };
  const first = await timed();
  const feedbackStarted = process.hrtime.bigint();
  const jobs = await runDueJobs(pool, policies, new Date('2026-06-15T02:00:00Z'));
  const jobsSeconds = Number(process.hrtime.bigint() - feedbackStarted) / 1e9;
  const second = await timed();
  const targets = await timed('twice_weekly');
  const standing = first.summary.townships.reduce(
    (sum, t) => ({ blue: sum.blue + t.blue, yellow: sum.yellow + t.yellow, red: sum.red + t.red }),
    { blue: 0, yellow: 0, red: 0 },
  );
  const batches = Number((await pool.query('select count(*) from feedback_batches')).rows[0].count);

  const line = (label: string, { seconds, summary }: { seconds: number; summary: ScreeningSummary }): string =>
    `| ${label} | ${PERSON_YEARS.toLocaleString('en-US')} | ${summary.candidates.toLocaleString('en-US')} | ${summary.raised.blue.toLocaleString('en-US')} / ${summary.raised.yellow.toLocaleString('en-US')} / ${summary.raised.red.toLocaleString('en-US')} | ${seconds.toFixed(2)} s |`;
  const report = [
    `${measuredOn()}, embedded PostgreSQL 18 on the same machine (default settings).`,
    `Command: \`npm run bench:screening\` (BENCH_PERSON_YEARS=${PERSON_YEARS}). ${PERSON_YEARS.toLocaleString('en-US')} persons in 10 townships, 1 in 17 an assistance target, one 2026 person-year each (person_years ${sizes[0]?.size ?? '?'}; loaded and analysed in ${loadSeconds.toFixed(0)} s).`,
    '',
    '| screening (2026-06-15) | person-years | above the lowest line | raised blue / yellow / red | time |',
    '|---|---:|---:|---|---:|',
    line('first, everybody (every warning raised)', first),
    line('again, everybody (steady state: nothing new)', second),
    line('twice-weekly run: assistance targets only', targets),
    '',
    `Standing after the first screening: blue ${standing.blue.toLocaleString('en-US')}, yellow ${standing.yellow.toLocaleString('en-US')}, red ${standing.red.toLocaleString('en-US')}. ` +
      `The scheduler's run that followed (${jobs.map((j) => j.job).join(', ')}) took ${jobsSeconds.toFixed(2)} s and made ${batches} feedback batches.`,
    '',
    'Target: a full screening of 2,000,000 person-years in under 5 s.',
  ].join('\n');
  publish('screening', report);
});
