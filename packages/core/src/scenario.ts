/**
 * The scenario format: a person, a policy and their claims, as other tools will write it. Parsing validates all of
 * it and reports every problem with its place (JSON path and line) before anything is settled; the claims are read
 * by scenario-claims.ts.
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { CATEGORY_CODES, type CategoryCode } from './codes.js';
import { formatPath, problem, SanbaoError, type ErrorCode, type Problem } from './errors.js';
import { ID_PROBLEMS, isValidDate, parseIdNumber } from './ids.js';
import type { Claim, Person } from './engine/types.js';
import { issueMessage } from './policy/file.js';
import { claimSchema, readClaims, type Report } from './scenario-claims.js';

const scenarioSchema = z
  .object({
    policy: z.string().min(1),
    person: z
      .object({
        psn_no: z.string().min(1).max(30),
        certno: z.string(),
        psn_name: z.string().optional(),
        gend: z.string().optional(),
        brdy: z.string().optional(),
        supplementary: z.boolean().optional(),
        categories: z
          .array(z.object({ code: z.string(), begin: z.string(), end: z.string().nullable().optional() }).strict())
          .default([]),
      })
      .strict(),
    claims: z.array(claimSchema).min(1),
  })
  .strict();

export interface ScenarioPerson extends Person {
  certno: string;
  name: string | undefined;
  gender: '1' | '2';
  birthDate: string;
}

export interface Scenario {
  policy: string;
  person: ScenarioPerson;
  claims: Claim[];
}

export function parseScenario(text: string, file?: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SanbaoError([
      problem('JSON_MALFORMED', `无法解析 JSON：${(error as Error).message}`, file === undefined ? {} : { file }),
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const where = (path: (string | number)[]): Omit<Problem, 'code' | 'message'> => {
    let line: number | undefined;
    for (let length = path.length; length >= 0 && line === undefined; length--) {
      const node = doc.getIn(path.slice(0, length), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) line = lineCounter.linePos(node.range[0]).line;
    }
    return { ...(file === undefined ? {} : { file }), path: formatPath(path), ...(line === undefined ? {} : { line }) };
  };
  const shape = scenarioSchema.safeParse(json);
  if (!shape.success) {
    throw new SanbaoError(
      shape.error.issues.map((issue) =>
        problem('SCHEMA', issueMessage(issue), where(issue.path as (string | number)[])),
      ),
    );
  }
  const problems: Problem[] = [];
  const report = (code: ErrorCode, message: string, path: (string | number)[]): void => {
    problems.push(problem(code, message, where(path)));
  };
  const data = shape.data;
  const person = readPerson(data.person, report);
  const claims = readClaims(data.claims, report);
  if (problems.length > 0) throw new SanbaoError(problems);
  return { policy: data.policy, person, claims };
}

function readPerson(raw: z.output<typeof scenarioSchema>['person'], report: Report): ScenarioPerson {
  const id = parseIdNumber(raw.certno);
  let gender: '1' | '2' = '1';
  let birthDate = '';
  if (!id.ok) {
    const { code, message } = ID_PROBLEMS[id.problem];
    report(code, `${message}：${raw.certno}`, ['person', 'certno']);
  } else {
    gender = id.info.gender;
    birthDate = id.info.birthDate;
    if (raw.brdy !== undefined && raw.brdy !== birthDate)
      report('ID_MISMATCH', `出生日期 ${raw.brdy} 与身份证号码中的 ${birthDate} 不一致`, ['person', 'brdy']);
    if (raw.gend !== undefined && raw.gend !== gender)
      report('ID_MISMATCH', `性别 ${raw.gend} 与身份证号码（${gender === '1' ? '男' : '女'}）不一致`, [
        'person',
        'gend',
      ]);
  }
  const categories = raw.categories.map((spell, index) => {
    const path = ['person', 'categories', index];
    if (!(CATEGORY_CODES as string[]).includes(spell.code))
      report('CODE_UNKNOWN', `未知的人员类别 ${spell.code}（可用：${CATEGORY_CODES.join('、')}）`, [...path, 'code']);
    if (!isValidDate(spell.begin)) report('DATE_INVALID', `开始日期 ${spell.begin} 无效`, [...path, 'begin']);
    const end = spell.end ?? null;
    if (end !== null && !isValidDate(end)) report('DATE_INVALID', `结束日期 ${end} 无效`, [...path, 'end']);
    else if (end !== null && end < spell.begin)
      report('DATE_ORDER', `结束日期 ${end} 早于开始日期 ${spell.begin}`, [...path, 'end']);
    return { code: spell.code as CategoryCode, begin: spell.begin, end };
  });
  return {
    psnNo: raw.psn_no,
    certno: raw.certno.toUpperCase(),
    name: raw.psn_name,
    gender,
    birthDate,
    categories,
    supplementary: raw.supplementary ?? false,
  };
}
