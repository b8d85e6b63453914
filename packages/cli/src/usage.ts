/**
 * What `sanbao` says about how it is used: the overview, each command's own usage (`sanbao <command> --help`), and
 * the argument parser's complaints in Chinese.
 */
import { CADENCE_NAMES, DEPARTMENT_CODES, DEPARTMENTS } from '@sanbao/core';

export const COMMANDS = ['settle', 'policy', 'demo', 'import', 'screen'] as const;
export type Command = (typeof COMMANDS)[number];

export function isCommand(name: string | undefined): name is Command {
  return (COMMANDS as readonly (string | undefined)[]).includes(name);
}

export const USAGE = `用法：
  sanbao settle <场景.json> [--json]     结算场景中的全部就诊，打印结算单（或 JSON）
  sanbao policy list                      列出内置政策
  sanbao policy check <政策编号或文件> [--cases <算例.yaml>]
                                          校验政策文件（含继承链）并运行其算例
  sanbao policy show <政策编号或文件> [--date yyyy-MM-dd]
                                          显示某日适用的全部取值及依据
  sanbao demo                             结算 examples/ 中的示例场景
  sanbao import <台账.xlsx|csv> --source <部门> --region <区划> --mode atomic|partial
                [--date yyyy-MM-dd] [--report 错误行.xlsx] [--confirm-end <数量>]
                                          导入部门台账（部门：civil_affairs 民政、rural_revitalization 乡村振兴、
                                          health 卫健、veterans 退役军人事务、medical_security 医保）
  sanbao screen [--region <区划>] [--date yyyy-MM-dd] [--cadence twice_weekly|biweekly|…]
                                          立即进行“蓝黄红”预警筛查，按级别和乡镇汇总
  sanbao <命令> --help                    显示该命令的用法
`;

const HELP_OPTION = '  -h, --help                显示本说明';
const EXIT_CODES = '退出码：0 完成，1 输入被拒绝（已列出全部原因），2 用法错误。';
const DATABASE = '使用平台所用的数据库（环境变量 DATABASE_URL，或 SANBAO_DATA_DIR 中的内置数据库）。';

export const COMMAND_USAGE: Record<Command, string> = {
  settle: `用法：sanbao settle <场景.json> [--json]

结算场景文件中的全部就诊（按结算顺序），逐笔打印结算单。场景有误时列出全部问题及其位置，不打印任何结算结果。

选项：
  --json                    输出 JSON：{ "settlements": [ { setlinfo, setldetail, trace } ] }
${HELP_OPTION}

${EXIT_CODES}
`,
  policy: `用法：
  sanbao policy list                              列出内置政策
  sanbao policy check <政策编号或文件> [--cases <算例.yaml>]
                                                  校验政策文件（含继承链），并运行其算例
  sanbao policy show <政策编号或文件> [--date yyyy-MM-dd]
                                                  显示某日适用的全部取值及其依据

政策编号如 anhui/bozhou；文件为 YAML 政策文件的路径（相对当前目录）。政策文件旁的同名算例文件
（如 bozhou.yaml 旁的 bozhou.cases.yaml）由 policy check 运行：逐个算例打印 ✓ 或 ✗，以及每笔结算各项的
预期与实际金额（元）。

选项：
  --cases <算例.yaml>       policy check 运行的算例文件（默认为政策文件旁的 <名称>.cases.yaml）
  --date yyyy-MM-dd         policy show 的日期（默认今天）
${HELP_OPTION}

退出码：0 完成（算例全部通过），1 输入被拒绝（已列出全部原因）或有算例未通过，2 用法错误。
`,
  demo: `用法：sanbao demo

结算 examples/ 中的全部示例场景，逐笔打印结算单。

选项：
${HELP_OPTION}
`,
  import: `用法：sanbao import <台账.xlsx|台账.csv> --source <部门> --region <区划> --mode atomic|partial [选项]

导入部门台账（平台台账模板的 XLSX 或 CSV 文件），显示进度；有误的行写入错误行报告。${DATABASE}

必填：
  --source <部门>           报送部门：${DEPARTMENT_CODES.map((code) => `${code}（${DEPARTMENTS[code].name}）`).join('、')}
  --region <区划>           台账所属的 6 位行政区划代码（县区，或市及其所辖县区）
  --mode atomic|partial     导入前选定：atomic 任何一行有误则整个文件不导入；partial 导入正确行，错误行输出报告

选项：
  --date yyyy-MM-dd         台账日期（默认今天）；上次报送有、本次未列出的人员，其类别于台账日期前一日终止
  --report <文件.xlsx>      错误行报告的位置（默认为“<文件名>-错误行.xlsx”）
  --confirm-end <数量>      导入将终止本部门在该区划的大批有效人员类别时，须先核对台账，再以此确认将终止的数量
                            （数量见未导入时的提示；与之不符则仍不导入）
${HELP_OPTION}

退出码：0 已导入（或同一文件已导入过），1 未导入（已列出原因），2 用法错误。
`,
  screen: `用法：sanbao screen [--region <区划>] [--date yyyy-MM-dd] [--cadence <频次>]

立即进行“蓝黄红”预警筛查，打印本次升级的蓝码、黄码、红码数，并按县区、乡镇汇总在册预警。${DATABASE}

选项：
  --region <区划>           只筛查该 6 位行政区划（默认全部）
  --date yyyy-MM-dd         筛查日期（默认今天）
  --cadence <频次>          只筛查按该频次筛查的人群：${Object.entries(CADENCE_NAMES)
    .map(([code, name]) => `${code}（${name}）`)
    .join('、')}
${HELP_OPTION}

${EXIT_CODES}
`,
};

/**
 * The usage `--help` (or `-h`, or `sanbao help <command>`) asks for, or null when the arguments are not a request
 * for help. Arguments after `--` are not options.
 */
export function helpFor(argv: readonly string[]): string | null {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  const [first, second] = args;
  const isHelp = (arg: string | undefined): boolean => arg === '-h' || arg === '--help';
  if (first === 'help' || isHelp(first)) {
    if (second === undefined || isHelp(second)) return USAGE;
    return isCommand(second) ? COMMAND_USAGE[second] : null;
  }
  if (isCommand(first) && args.slice(1).some(isHelp)) return COMMAND_USAGE[first];
  return null;
}

/** The argument parser's (node:util parseArgs) complaint, in Chinese. */
export function argumentProblem(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? '';
  const option = /--[\w-]+/.exec(text)?.[0] ?? /'(-\w)/.exec(text)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `未知的选项 ${option}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return text.includes('argument missing') ? `选项 ${option} 缺少取值` : `选项 ${option} 不接受取值`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `多余的参数 ${/'([^']*)'/.exec(text)?.[1] ?? ''}`;
    default:
      return '命令行参数有误';
  }
}

/** A usage error: what is wrong, then the command's usage (or the overview), on standard error. */
export function usageError(command: Command | null, problem: string): string {
  return `${problem}\n\n${command ? COMMAND_USAGE[command] : USAGE}`;
}
