/** The `sanbao` command. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatProblem, SanbaoError } from '@sanbao/core';
import { EXIT, type Io } from './io.js';
import { policyCheck, policyList, policyShow } from './policy-command.js';
import { renderSettledJson, renderSettledSheets, settleScenarioFile } from './settle-command.js';

const USAGE = `用法：
  sanbao settle <场景.json> [--json]     结算场景中的全部就诊，打印结算单（或 JSON）
  sanbao policy list                      列出内置政策
  sanbao policy check <政策编号或文件>    校验政策文件（含继承链）
  sanbao policy show <政策编号或文件> [--date yyyy-MM-dd]
                                          显示某日适用的全部取值及依据
  sanbao demo                             结算 examples/ 中的示例场景
  sanbao import <台账.xlsx|csv> --source <部门> --region <区划> --mode atomic|partial
                [--date yyyy-MM-dd] [--report 错误行.xlsx]
                                          导入部门台账（部门：civil_affairs 民政、rural_revitalization 乡村振兴、
                                          health 卫健、veterans 退役军人事务、medical_security 医保）
  sanbao screen [--region <区划>] [--date yyyy-MM-dd] [--cadence twice_weekly|biweekly|…]
                                          立即进行“蓝黄红”预警筛查，按级别和乡镇汇总
`;

export function main(argv: string[], io: Io): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, date: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.err.write(`${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || command === undefined) {
    io.out.write(USAGE);
    return command === undefined && !parsed.values.help ? EXIT.usage : EXIT.ok;
  }
  try {
    switch (command) {
      case 'settle': {
        const file = rest[0];
        if (!file || rest.length > 1) break;
        const settled = settleScenarioFile(file, io.cwd);
        io.out.write(parsed.values.json ? renderSettledJson(settled) : renderSettledSheets(settled));
        return EXIT.ok;
      }
      case 'policy': {
        const [action, ref] = rest;
        if (action === 'list') {
          io.out.write(policyList());
          return EXIT.ok;
        }
        if (action === 'check' && ref) {
          io.out.write(policyCheck(ref, io.cwd));
          return EXIT.ok;
        }
        if (action === 'show' && ref) {
          io.out.write(policyShow(ref, io.cwd, parsed.values.date ?? new Date().toISOString().slice(0, 10)));
          return EXIT.ok;
        }
        break;
      }
      case 'demo': {
        const folder = fileURLToPath(new URL('../../../examples/', import.meta.url));
        for (const name of readdirSync(folder)
          .filter((entry) => entry.endsWith('.json'))
          .sort()) {
          io.out.write(`\n▶ examples/${name}\n`);
          io.out.write(renderSettledSheets(settleScenarioFile(join(folder, name), io.cwd)));
        }
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (error instanceof SanbaoError) {
      io.err.write(
        `结算未进行，发现 ${error.problems.length} 个问题：\n${error.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}\n`,
      );
      return EXIT.refused;
    }
    throw error;
  }
  io.err.write(`无法识别的命令：${argv.join(' ')}\n${USAGE}`);
  return EXIT.usage;
}

/** The commands that need the database run asynchronously; the others are answered by `main`. */
export async function run(argv: string[], io: Io & { tty?: boolean }): Promise<number> {
  if (argv[0] === 'screen') return screen(argv.slice(1), io);
  if (argv[0] !== 'import') return main(argv, io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      allowPositionals: true,
      options: {
        source: { type: 'string' },
        region: { type: 'string' },
        date: { type: 'string' },
        mode: { type: 'string' },
        report: { type: 'string' },
      },
    });
  } catch (error) {
    io.err.write(`${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) {
    io.err.write(USAGE);
    return EXIT.usage;
  }
  try {
    // Loaded only here: the database side is not needed by the other commands.
    const { importCommand } = await import('./import-command.js');
    return await importCommand(file, parsed.values, io);
  } catch (error) {
    if (!(error instanceof SanbaoError)) throw error;
    io.err.write(`台账未导入：${error.problems.map(formatProblem).join('；')}\n`);
    return EXIT.refused;
  }
}

async function screen(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { region: { type: 'string' }, date: { type: 'string' }, cadence: { type: 'string' } },
    });
  } catch (error) {
    io.err.write(`${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const { screenCommand } = await import('./screen-command.js');
  return screenCommand(parsed.values, io);
}
