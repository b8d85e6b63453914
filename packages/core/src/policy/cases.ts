/**
 * Worked cases beside a policy file (bozhou.cases.yaml beside bozhou.yaml): a person and their claims in the scenario
 * format, what each settlement must pay in yuan and the arithmetic of the document the figures come from; or, for a
 * date, the values the policy must hold. A bureau that edits its policy runs them with `sanbao policy check`, and the
 * test suite runs every built-in file. Parsing reports every problem with its place (path and line).
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { LAYER_NAMES, type Layer } from '../codes.js';
import { formatPath, problem, SanbaoError, type ErrorCode, type Problem } from '../errors.js';
import { isValidDate } from '../ids.js';
import { parseRatio, parseYuan } from '../money.js';
import { parseScenario, type ScenarioPerson } from '../scenario.js';
import type { Claim } from '../engine/types.js';
import { issueMessage } from './file.js';

export const CASES_SUFFIX = '.cases.yaml';
type Path = (string | number)[];

/** How a figure is written and compared: yuan (fen inside), a ratio (basis points inside) or a count. */
export type Unit = 'yuan' | 'ratio' | 'count';

/**
 * One thing a case expects, with the line it was written on. `key` names where it is read: a layer (basic), a part of
 * a layer (assistance.base), personal, a settlement field (act_pay_dedc), year_to_date.<field>, or a policy parameter.
 */
export type Expectation = { key: string; line: number | undefined } & (
  | { kind: 'figure'; unit: Unit; value: number }
  /** The layer does not apply to the claim: the settlement has no line for it. */
  | { kind: 'not_applicable' }
  /** The parameter's source cites a document whose citation contains this text. */
  | { kind: 'cite'; text: string }
  /** No version of the policy is in force on the case's date. */
  | { kind: 'not_in_force' }
);

export interface CaseClaim {
  claim: Claim;
  expected: Expectation[];
  working: string | undefined;
  line: number | undefined;
}

export type PolicyCase = { name: string; line: number | undefined; working: string | undefined } & (
  | { kind: 'settlement'; person: ScenarioPerson; claims: CaseClaim[] }
  | { kind: 'parameters'; date: string; expected: Expectation[] }
);

export interface CaseFile {
  file: string;
  cases: PolicyCase[];
}

/** The unit of a numeric policy parameter, by the naming convention of the policy schema. */
export function parameterUnit(path: string): Unit {
  if (/(ratio|factor|points)$/.test(path) || /\.ratio\./.test(path)) return 'ratio';
  if (/newborn_months$/.test(path)) return 'count';
  return 'yuan';
}

const money = z.unknown().transform((input, ctx) => {
  const parsed = parseYuan(input);
  if (parsed.ok) return parsed.value;
  const why = { format: '应为金额（元）', decimals: '金额最多两位小数', negative: '金额不能为负数' }[parsed.reason];
  ctx.addIssue({ code: 'custom', message: `${why}，收到 ${JSON.stringify(input)}`, input });
  return z.NEVER;
});
const ratio = z.unknown().transform((input, ctx) => {
  const parsed = parseRatio(input);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: `应为 0%–100% 的比例，如 "85%"，收到 ${JSON.stringify(input)}`, input });
  return z.NEVER;
});
const scheme = z.object({ base: money.optional(), paid: money.optional() }).strict();
/** A layer's paid amount, or its parts; a bare amount is what the layer paid. */
const layer = z.preprocess(
  (value) => (value !== null && typeof value === 'object' ? value : { paid: value }),
  z.object({ paid: money.optional(), base: money.optional(), payable: money.optional() }).strict(),
);

/** Settlement fields a case may expect, by the interface's names: amounts, and the basic fund's ratio. */
const SETTLEMENT_AMOUNTS = ['act_pay_dedc', 'inscp_scp_amt', 'hifp_pay', 'hifmi_pay', 'maf_pay', 'oth_pay'] as const;
const SETTLEMENT_MORE = ['fund_pay_sumamt', 'psn_part_amt', 'hosp_part_amt'] as const;
const SETTLEMENT_RATIO = 'pool_prop_selfpay';
/** Year-to-date fields by snake_case names (the engine's YearToDate in camelCase): counts, amounts, schemes. */
const YTD_COUNTS = ['year', 'admissions'] as const;
const YTD_AMOUNTS = ['medfee', 'basic_cap_used', 'fund_paid', 'personal_burden', 'in_scope_burden'] as const;
const YTD_SCHEMES = ['outpatient', 'critical_illness', 'special_drugs', 'assistance', 're_assistance'] as const;
const YTD_MORE_SCHEMES = ['high_cost_subsidy', 'supplementary'] as const;

const LAYERS = Object.keys(LAYER_NAMES) as Layer[];
const optional = <T extends z.ZodType>(names: readonly string[], type: T): Record<string, z.ZodOptional<T>> =>
  Object.fromEntries(names.map((name) => [name, type.optional()]));
const expectedSchema = z
  .object({
    ...optional(LAYERS, layer),
    personal: money.optional(),
    ...optional([...SETTLEMENT_AMOUNTS, ...SETTLEMENT_MORE], money),
    [SETTLEMENT_RATIO]: ratio.optional(),
    not_applicable: z.array(z.enum(LAYERS as [Layer, ...Layer[]])).optional(),
    year_to_date: z
      .object({
        ...optional(YTD_COUNTS, z.number().int().min(0)),
        ...optional(YTD_AMOUNTS, money),
        ...optional([...YTD_SCHEMES, ...YTD_MORE_SCHEMES], scheme),
      })
      .strict()
      .optional(),
  })
  .strict();

const dateString = z.string().refine(isValidDate, { message: '应为 yyyy-MM-dd 格式的有效日期' });
const caseSchema = z
  .object({
    name: z.string().min(1),
    working: z.string().optional(),
    person: z.record(z.string(), z.unknown()).optional(),
    claims: z
      .array(z.looseObject({ expected: expectedSchema.optional(), working: z.string().optional() }))
      .min(1)
      .optional(),
    date: dateString.optional(),
    parameters: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    cites: z.record(z.string(), z.string().min(1)).optional(),
    not_in_force: z.literal(true).optional(),
  })
  .strict();
const fileSchema = z.object({ cases: z.array(caseSchema).min(1) }).strict();

export function parseCaseFile(text: string, file: string): CaseFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SanbaoError(
      doc.errors.map((error) =>
        problem('YAML_MALFORMED', error.message.split('\n')[0] ?? error.message, {
          file,
          line: lineCounter.linePos(error.pos[0]).line,
        }),
      ),
    );
  }
  const lineOf = (path: Path): number | undefined => {
    for (let length = path.length; length >= 0; length--) {
      const node = doc.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  const problems: Problem[] = [];
  const report = (code: ErrorCode, message: string, path: Path): void => {
    problems.push(problem(code, message, { file, path: formatPath(path), line: lineOf(path) }));
  };
  const shape = fileSchema.safeParse(doc.toJS());
  if (!shape.success) {
    // An unknown key is shown at its own line, not at the start of the mapping it is in.
    for (const issue of shape.error.issues)
      report('SCHEMA', issueMessage(issue), [
        ...(issue.path as Path),
        ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : []),
      ]);
    throw new SanbaoError(problems);
  }
  const cases: PolicyCase[] = [];
  shape.data.cases.forEach((raw, index) => {
    const at = (...rest: Path): Path => ['cases', index, ...rest];
    const common = { name: raw.name, line: lineOf(at()), working: raw.working };
    const before = problems.length;
    if ((raw.claims === undefined) === (raw.date === undefined)) {
      report('SCHEMA', '算例须有 claims（结算算例）或 date（某日的政策取值），二者只能有一个', at());
      return;
    }
    if (raw.claims !== undefined) {
      for (const key of ['parameters', 'cites', 'not_in_force'] as const)
        if (raw[key] !== undefined) report('SCHEMA', `结算算例不能有 ${key}（它属于按 date 核对的算例）`, at(key));
      const claims = readClaims(raw.person ?? {}, raw.claims, file, at, lineOf, problems);
      if (claims && claims.claims.every((c) => c.expected.length === 0))
        report('SCHEMA', '算例至少要有一项预期金额（expected）', at('claims'));
      if (claims) cases.push({ ...common, kind: 'settlement', ...claims });
      return;
    }
    if (raw.person !== undefined) report('SCHEMA', '按 date 核对的算例不能有 person', at('person'));
    const expected: Expectation[] = [];
    for (const [key, value] of Object.entries(raw.parameters ?? {})) {
      const unit = parameterUnit(key);
      const parsed =
        unit === 'yuan'
          ? parseYuan(value)
          : unit === 'ratio'
            ? parseRatio(value)
            : { ok: Number.isInteger(value) && Number(value) >= 0, value: Number(value) };
      if (parsed.ok)
        expected.push({ key, line: lineOf(at('parameters', key)), kind: 'figure', unit, value: parsed.value });
      else
        report(
          unit === 'ratio' ? 'RATIO_FORMAT' : 'AMOUNT_FORMAT',
          `${{ yuan: '应为金额（元）', ratio: '应为比例，如 "85%"', count: '应为非负整数' }[unit]}，收到 ${JSON.stringify(value)}`,
          at('parameters', key),
        );
    }
    for (const [key, text] of Object.entries(raw.cites ?? {}))
      expected.push({ key, line: lineOf(at('cites', key)), kind: 'cite', text });
    if (raw.not_in_force) {
      if (expected.length > 0) report('SCHEMA', 'not_in_force 的算例不能同时核对取值', at('not_in_force'));
      expected.push({ key: 'not_in_force', line: lineOf(at('not_in_force')), kind: 'not_in_force' });
    }
    if (expected.length === 0 && problems.length === before)
      report('SCHEMA', '按 date 核对的算例须有 parameters、cites 或 not_in_force', at());
    cases.push({ ...common, kind: 'parameters', date: raw.date ?? '', expected });
  });
  if (problems.length > 0) throw new SanbaoError(problems);
  return { file, cases };
}

type RawClaim = z.output<typeof caseSchema>['claims'] extends (infer C)[] | undefined ? C : never;

/**
 * The person and claims go through the scenario parser, so they are read and refused exactly as a scenario is; the
 * places of its problems are turned back into places in the case file. What a worked case leaves out is filled in: a
 * stand-in person (the settlement reads only categories and insurance), the admission on the settlement day, and no self-paid parts when there are no fee lines.
 */
function readClaims(
  person: Record<string, unknown>,
  raws: RawClaim[],
  file: string,
  at: (...rest: Path) => Path,
  lineOf: (path: Path) => number | undefined,
  problems: Problem[],
): { person: ScenarioPerson; claims: CaseClaim[] } | undefined {
  const claims = raws.map((raw) => {
    const claim = Object.fromEntries(Object.entries(raw).filter(([key]) => key !== 'expected' && key !== 'working'));
    if (typeof claim['med_type'] === 'number') claim['med_type'] = String(claim['med_type']);
    claim['begntime'] ??= claim['setl_time'];
    if (!Array.isArray(claim['items']) || claim['items'].length === 0)
      for (const part of ['fulamt_ownpay_amt', 'overlmt_selfpay', 'preselfpay_amt']) claim[part] ??= 0;
    return claim;
  });
  const scenarioText = JSON.stringify({
    policy: 'cases',
    person: { psn_no: 'CASE', certno: '341602196005011238', ...person },
    claims,
  });
  let scenario: ReturnType<typeof parseScenario>;
  try {
    scenario = parseScenario(scenarioText, file);
  } catch (error) {
    if (!(error instanceof SanbaoError)) throw error;
    for (const found of error.problems) {
      const parts = [...(found.path ?? '').matchAll(/([^.[\]]+)|\[(\d+)\]/g)];
      const path = at(...parts.map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] ?? ''))));
      problems.push({ ...found, file, path: formatPath(path), line: lineOf(path) });
    }
    return undefined;
  }
  return {
    person: scenario.person,
    claims: scenario.claims.map((claim, index) => ({
      claim,
      expected: expectationsOf(raws[index]?.expected, at('claims', index, 'expected'), lineOf),
      working: raws[index]?.working,
      line: lineOf(at('claims', index)),
    })),
  };
}

function expectationsOf(
  expected: z.output<typeof expectedSchema> | undefined,
  at: Path,
  lineOf: (path: Path) => number | undefined,
): Expectation[] {
  if (!expected) return [];
  const out: Expectation[] = [];
  const figure = (key: string, unit: Unit, value: unknown, path: Path): void => {
    if (typeof value === 'number') out.push({ key, line: lineOf([...at, ...path]), kind: 'figure', unit, value });
  };
  for (const [key, value] of Object.entries(expected) as [string, unknown][]) {
    if (value === undefined) continue;
    if ((LAYERS as string[]).includes(key)) {
      for (const [part, amount] of Object.entries(value as Record<string, unknown>))
        figure(part === 'paid' ? key : `${key}.${part}`, 'yuan', amount, [key, part]);
    } else if (key === SETTLEMENT_RATIO) {
      figure(key, 'ratio', value, [key]);
    } else if (key === 'not_applicable') {
      (value as Layer[]).forEach((name, index) =>
        out.push({ key: name, line: lineOf([...at, key, index]), kind: 'not_applicable' }),
      );
    } else if (key !== 'year_to_date') {
      figure(key, 'yuan', value, [key]);
    } else {
      for (const [field, amount] of Object.entries(value as Record<string, unknown>)) {
        const unit = (YTD_COUNTS as readonly string[]).includes(field) ? 'count' : 'yuan';
        if (amount === null || typeof amount !== 'object') figure(`${key}.${field}`, unit, amount, [key, field]);
        else
          for (const [part, inner] of Object.entries(amount as Record<string, unknown>))
            figure(`${key}.${field}.${part}`, 'yuan', inner, [key, field, part]);
      }
    }
  }
  return out;
}
