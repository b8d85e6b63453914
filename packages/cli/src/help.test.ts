/**
 * Every `sanbao` command answers `--help` and `-h` with its own usage in Chinese and exit code 0, without touching a
 * database; wrong usage exits with 2 and says what is wrong in Chinese, followed by the command's usage.
 */
import { describe, expect, it } from 'vitest';
import { sanbaoIn } from './test-support.js';

const sanbao = (...args: string[]): ReturnType<typeof sanbaoIn> => sanbaoIn(process.cwd(), ...args);

/** Each command, a line of its usage and the options it names. */
const COMMANDS: Record<string, { first: string; names: string[] }> = {
  settle: { first: '用法：sanbao settle <场景.json> [--json]', names: ['--json', '逐笔打印结算单'] },
  policy: {
    first: '用法：\n  sanbao policy list',
    names: ['sanbao policy check <政策编号或文件>', 'sanbao policy show', '--date yyyy-MM-dd'],
  },
  demo: { first: '用法：sanbao demo', names: ['examples/'] },
  import: {
    first: '用法：sanbao import <台账.xlsx|台账.csv> --source <部门> --region <区划> --mode atomic|partial',
    names: [
      'civil_affairs（民政部门）',
      'medical_security（医疗保障部门）',
      '--report',
      '--confirm-end <数量>',
      '--date',
    ],
  },
  screen: {
    first: '用法：sanbao screen [--region <区划>] [--date yyyy-MM-dd] [--cadence <频次>]',
    names: ['twice_weekly（每周两次（周一、周四））', '--region <区划>'],
  },
};

/** English that node's argument parser (or a fallback) would print. */
const ENGLISH = /Unknown option|argument missing|Unexpected argument|positional|Error|usage:/i;

describe('sanbao <command> --help', () => {
  for (const [command, { first, names }] of Object.entries(COMMANDS)) {
    for (const flag of ['--help', '-h']) {
      it(`${command} ${flag}: its own usage in Chinese, exit 0`, async () => {
        const { code, out, err } = await sanbao(command, flag);
        expect(code).toBe(0);
        expect(err).toBe('');
        expect(out.startsWith(first)).toBe(true);
        for (const name of names) expect(out).toContain(name);
        expect(out).toContain('-h, --help');
        expect(out).not.toMatch(ENGLISH);
        // Its own: not the overview, which lists every command.
        const others = Object.keys(COMMANDS).filter((other) => other !== command);
        for (const other of others) expect(out).not.toContain(`sanbao ${other} `);
      });
    }
  }

  it('--help after the command’s other arguments, and `sanbao help <command>`', async () => {
    const late = await sanbao('import', 'ledger.csv', '--source', 'civil_affairs', '--help');
    expect(late).toMatchObject({ code: 0, err: '' });
    expect(late.out.startsWith(COMMANDS['import']!.first)).toBe(true);
    const asked = await sanbao('help', 'screen');
    expect(asked).toMatchObject({ code: 0, err: '' });
    expect(asked.out.startsWith(COMMANDS['screen']!.first)).toBe(true);
  });

  it('sanbao --help, -h and help: the overview of every command, exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const { code, out, err } = await sanbao(...args);
      expect({ args, code, err }).toEqual({ args, code: 0, err: '' });
      for (const command of Object.keys(COMMANDS)) expect(out).toContain(`sanbao ${command}`);
      expect(out).toContain('sanbao <命令> --help');
    }
  });
});

describe('wrong usage: exit 2, the reason in Chinese, then the usage', () => {
  const cases: [string[], string, string][] = [
    [['import', 'ledger.csv', '--bogus'], '未知的选项 --bogus', 'import'],
    [['import', 'ledger.csv', '--source'], '选项 --source 缺少取值', 'import'],
    [['import'], '缺少台账文件（.xlsx 或 .csv）', 'import'],
    [['import', 'a.csv', 'b.csv'], '多余的参数 b.csv', 'import'],
    [
      [
        'import',
        'a.csv',
        '--source',
        'civil_affairs',
        '--region',
        '341602',
        '--mode',
        'partial',
        '--confirm-end',
        'all',
      ],
      '--confirm-end 应为确认终止的人员类别数量（非负整数）',
      'import',
    ],
    [
      ['import', 'a.csv', '--source', 'police', '--region', '341602', '--mode', 'atomic'],
      '--source 应为报送部门',
      'import',
    ],
    [['screen', 'now'], '多余的参数 now', 'screen'],
    [['screen', '-x'], '未知的选项 -x', 'screen'],
    [['screen', '--cadence', 'hourly'], '--cadence 应为筛查频次', 'screen'],
    [['settle'], '缺少场景文件（.json）', 'settle'],
    [['settle', 'a.json', '--json=yes'], '选项 --json 不接受取值', 'settle'],
    [['policy'], '缺少子命令（list、check 或 show）', 'policy'],
    [['policy', 'show'], 'policy show 缺少政策编号或文件', 'policy'],
    [['policy', 'remove', 'x'], '无法识别的子命令：policy remove x', 'policy'],
    [['demo', 'now'], '多余的参数 now', 'demo'],
  ];
  for (const [args, says, command] of cases) {
    it(`sanbao ${args.join(' ')}`, async () => {
      const { code, out, err } = await sanbao(...args);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err.startsWith(says)).toBe(true);
      expect(err).toContain(COMMANDS[command]!.first);
      expect(err).not.toMatch(ENGLISH);
    });
  }

  it('an unknown command, with or without --help', async () => {
    for (const args of [['frobnicate'], ['frobnicate', '--help'], ['help', 'frobnicate']]) {
      const { code, err } = await sanbao(...args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(err).toContain(`无法识别的命令：${args.join(' ')}`);
      expect(err).not.toMatch(ENGLISH);
    }
  });
});
