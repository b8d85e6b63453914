/** The `sanbao` command. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatProblem, SanbaoError } from '@sanbao/core';
import { EXIT, type Io } from './io.js';
import { policyCheck, policyList, policyShow } from './policy-command.js';
import { renderSettledJson, renderSettledSheets, settleScenarioFile } from './settle-command.js';
import { argumentProblem, helpFor, USAGE, usageError, type Command } from './usage.js';

/** Each command's options (every command also takes -h/--help, answered before parsing). */
const OPTIONS = {
  settle: { json: { type: 'boolean' } },
  policy: { date: { type: 'string' }, cases: { type: 'string' } },
  demo: {},
  import: {
    source: { type: 'string' },
    region: { type: 'string' },
    date: { type: 'string' },
    mode: { type: 'string' },
    report: { type: 'string' },
    'confirm-end': { type: 'string' },
  },
  screen: { region: { type: 'string' }, date: { type: 'string' }, cadence: { type: 'string' } },
} as const satisfies Record<Command, ParseArgsConfig['options']>;

type Parsed<C extends Command> = {
  values: { [K in keyof (typeof OPTIONS)[C]]?: (typeof OPTIONS)[C][K] extends { type: 'boolean' } ? boolean : string };
  positionals: string[];
};

/** The command's arguments parsed with its own options, or the usage problem in Chinese. */
function parseCommand<C extends Command>(command: C, args: string[]): Parsed<C> | { problem: string } {
  try {
    return parseArgs({ args, options: OPTIONS[command], allowPositionals: command !== 'screen' });
  } catch (error) {
    return { problem: argumentProblem(error) };
  }
}

function usage(io: Io, command: Command | null, problem: string): number {
  io.err.write(usageError(command, problem));
  return EXIT.usage;
}

/** The commands that need no database; `run` answers the others. */
export function main(argv: string[], io: Io): number {
  const help = helpFor(argv);
  if (help !== null) {
    io.out.write(help);
    return EXIT.ok;
  }
  const [command, ...args] = argv;
  if (command === undefined) {
    io.out.write(USAGE);
    return EXIT.usage;
  }
  if (command !== 'settle' && command !== 'policy' && command !== 'demo') {
    return usage(io, null, `无法识别的命令：${argv.join(' ')}`);
  }
  const parsed = parseCommand(command, args);
  if ('problem' in parsed) return usage(io, command, parsed.problem);
  const { values, positionals } = parsed;
  try {
    switch (command) {
      case 'settle': {
        const [file, ...extra] = positionals;
        if (!file) return usage(io, command, '缺少场景文件（.json）');
        if (extra.length > 0) return usage(io, command, `多余的参数 ${extra.join(' ')}`);
        const settled = settleScenarioFile(file, io.cwd);
        io.out.write(
          (values as Parsed<'settle'>['values']).json ? renderSettledJson(settled) : renderSettledSheets(settled),
        );
        return EXIT.ok;
      }
      case 'policy': {
        const [action, ref, ...extra] = positionals;
        const { cases } = values as Parsed<'policy'>['values'];
        if (extra.length > 0) return usage(io, command, `多余的参数 ${extra.join(' ')}`);
        if (cases !== undefined && action !== 'check') return usage(io, command, '选项 --cases 只用于 policy check');
        if (action === 'list' && ref === undefined) {
          io.out.write(policyList());
          return EXIT.ok;
        }
        if ((action === 'check' || action === 'show') && ref === undefined) {
          return usage(io, command, `policy ${action} 缺少政策编号或文件`);
        }
        if (action === 'check' && ref) {
          const checked = policyCheck(ref, io.cwd, cases);
          io.out.write(checked.text);
          return checked.passed ? EXIT.ok : EXIT.refused;
        }
        if (action === 'show' && ref) {
          const date = (values as Parsed<'policy'>['values']).date ?? new Date().toISOString().slice(0, 10);
          io.out.write(policyShow(ref, io.cwd, date));
          return EXIT.ok;
        }
        return usage(
          io,
          command,
          action === undefined
            ? '缺少子命令（list、check 或 show）'
            : `无法识别的子命令：policy ${positionals.join(' ')}`,
        );
      }
      case 'demo': {
        if (positionals.length > 0) return usage(io, command, `多余的参数 ${positionals.join(' ')}`);
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
}

/** Every command: those that need the database run asynchronously here; the others are answered by `main`. */
export async function run(argv: string[], io: Io & { tty?: boolean }): Promise<number> {
  const [command, ...args] = argv;
  if (helpFor(argv) !== null || (command !== 'import' && command !== 'screen')) return main(argv, io);
  if (command === 'screen') {
    const parsed = parseCommand('screen', args);
    if ('problem' in parsed) return usage(io, command, parsed.problem);
    const { screenCommand } = await import('./screen-command.js');
    return screenCommand(parsed.values, io).catch((error: unknown) => keyRefused(io, error));
  }
  const parsed = parseCommand('import', args);
  if ('problem' in parsed) return usage(io, command, parsed.problem);
  const [file, ...extra] = parsed.positionals;
  if (!file) return usage(io, command, '缺少台账文件（.xlsx 或 .csv）');
  if (extra.length > 0) return usage(io, command, `多余的参数 ${extra.join(' ')}`);
  try {
    // Loaded only here: the database side is not needed by the other commands.
    const { importCommand } = await import('./import-command.js');
    const { 'confirm-end': confirmEnd, ...options } = parsed.values;
    return await importCommand(file, { ...options, confirmEnd }, io);
  } catch (error) {
    if (!(error instanceof SanbaoError)) return keyRefused(io, error);
    io.err.write(`台账未导入：${error.problems.map(formatProblem).join('；')}\n`);
    return EXIT.refused;
  }
}

/**
 * The database commands' refusal to run without the ID key (or with another): its message, exit code 1. Known by its
 * name: importing the server package here would load it for every command.
 */
function keyRefused(io: Io, error: unknown): number {
  if (!(error instanceof Error) || error.name !== 'IdentityKeyError') throw error;
  io.err.write(`${error.message}\n`);
  return EXIT.refused;
}
