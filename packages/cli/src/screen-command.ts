/**
 * `sanbao screen [--region <admdvs>] [--date yyyy-MM-dd] [--cadence …]`: a 蓝黄红 screening now, on the platform's
 * database, with what it raised and the warnings standing by county and township.
 */
import { userInfo } from 'node:os';
import { CADENCE_NAMES, isValidDate, WARNING_LEVEL_NAMES, type Cadence } from '@sanbao/core';
import { audit, chinaDate, PolicyRegistry, screen, type ScreeningSummary } from '@sanbao/server';
import { withDatabase } from './database.js';
import { EXIT, padEnd, padStart, type Io } from './io.js';
import { usageError } from './usage.js';

export interface ScreenOptions {
  region?: string | undefined;
  date?: string | undefined;
  cadence?: string | undefined;
}

function usageProblem(options: ScreenOptions): string | null {
  if (options.region !== undefined && !/^\d{6}$/.test(options.region)) return '--region 应为 6 位行政区划代码';
  if (options.date !== undefined && !isValidDate(options.date)) return '--date 应为 yyyy-MM-dd 格式的有效日期';
  if (options.cadence !== undefined && !(options.cadence in CADENCE_NAMES))
    return `--cadence 应为筛查频次：${Object.entries(CADENCE_NAMES)
      .map(([code, name]) => `${code}（${name}）`)
      .join('、')}`;
  return null;
}

export function renderSummary(summary: ScreeningSummary): string {
  const who = summary.cadence ? `按「${CADENCE_NAMES[summary.cadence]}」筛查的人群` : '全部人群';
  const raised = (['blue', 'yellow', 'red'] as const)
    .map((level) => `${WARNING_LEVEL_NAMES[level]} ${summary.raised[level]}`)
    .join('，');
  const lines = [
    `筛查日期 ${summary.date}（${summary.year} 年度），${who}：超过起始线的 ${summary.candidates.toLocaleString('en-US')} 人逐一判定，` +
      `本次升级 ${raised}（${(summary.milliseconds / 1000).toFixed(1)} 秒）`,
    '',
    `${padEnd('县（市、区）', 14)}${padEnd('乡镇（街道）', 16)}${padStart('蓝码', 8)}${padStart('黄码', 8)}${padStart('红码', 8)}`,
  ];
  const total = { blue: 0, yellow: 0, red: 0 };
  for (const row of summary.townships) {
    lines.push(
      `${padEnd(row.county, 14)}${padEnd(row.township || '（未登记）', 16)}${padStart(String(row.blue), 8)}${padStart(String(row.yellow), 8)}${padStart(String(row.red), 8)}`,
    );
    total.blue += row.blue;
    total.yellow += row.yellow;
    total.red += row.red;
  }
  if (summary.townships.length === 0) lines.push('（没有预警）');
  lines.push(
    `${padEnd('合计', 30)}${padStart(String(total.blue), 8)}${padStart(String(total.yellow), 8)}${padStart(String(total.red), 8)}`,
  );
  return `${lines.join('\n')}\n`;
}

export async function screenCommand(options: ScreenOptions, io: Io): Promise<number> {
  const problem = usageProblem(options);
  if (problem) {
    io.err.write(usageError('screen', problem));
    return EXIT.usage;
  }
  return withDatabase(async (pool) => {
    if (options.region !== undefined) {
      const { rowCount } = await pool.query('select 1 from regions where admdvs = $1', [options.region]);
      if (!rowCount) {
        io.err.write(`区划 ${options.region} 不存在\n`);
        return EXIT.refused;
      }
    }
    const now = new Date();
    const summary = await screen(pool, new PolicyRegistry(), {
      date: options.date ?? chinaDate(now),
      now,
      cadence: options.cadence as Cadence | undefined,
      region: options.region,
    });
    await audit(pool, `cli:${userInfo().username}`, 'warning.screen', {
      region: options.region ?? null,
      cadence: options.cadence ?? null,
      raised: summary.raised,
    });
    io.out.write(renderSummary(summary));
    return EXIT.ok;
  });
}
