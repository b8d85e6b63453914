/** `sanbao settle <scenario.json> [--json]`: settles a scenario's claims and prints a sheet per claim, or JSON. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  loadPolicy,
  parseScenario,
  problem,
  SanbaoError,
  settleSequence,
  toSetldetail,
  toSetlinfo,
  traceToJson,
  type Policy,
  type Scenario,
  type SettleResult,
} from '@sanbao/core';
import { renderSheet } from './sheet.js';

export interface SettledScenario {
  scenario: Scenario;
  policy: Policy;
  results: SettleResult[];
}

export function settleScenarioFile(file: string, cwd: string): SettledScenario {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SanbaoError([problem('FILE_UNREADABLE', `无法读取场景文件：${(error as Error).message}`, { file })]);
  }
  const scenario = parseScenario(text, file);
  const policy = loadPolicy(scenario.policy, { relativeTo: dirname(path) });
  // Everything is settled before anything is printed: a refusal never leaves half a result on screen.
  const results = settleSequence(scenario.claims, scenario.person, policy, { trace: true });
  return { scenario, policy, results };
}

export function renderSettledJson({ results }: SettledScenario): string {
  const settlements = results.map((result) => ({
    setlinfo: toSetlinfo(result.settlement),
    setldetail: toSetldetail(result.settlement, result.trace),
    trace: traceToJson(result.trace ?? []),
  }));
  return `${JSON.stringify({ settlements }, null, 2)}\n`;
}

export function renderSettledSheets({ scenario, policy, results }: SettledScenario): string {
  return results
    .map((result, index) => {
      const claim = scenario.claims[index];
      if (!claim) return '';
      return renderSheet(index + 1, results.length, claim, scenario.person, policy.at(claim.setlDate), result);
    })
    .join('\n');
}
