/**
 * Stable error codes. Every refusal names one of these, a Chinese message for the user and the place
 * (file, path, line) where the problem is. Validation collects all problems instead of stopping at the first.
 */
export const ERROR_CODES = {
  JSON_MALFORMED: 'JSON 格式错误',
  YAML_MALFORMED: 'YAML 格式错误',
  SCHEMA: '结构或类型不符合要求',
  AMOUNT_FORMAT: '金额格式错误',
  AMOUNT_DECIMALS: '金额最多保留两位小数',
  AMOUNT_NEGATIVE: '金额不能为负数',
  AMOUNT_INCONSISTENT: '金额之间不一致',
  AMOUNT_RANGE: '金额超出合理范围',
  TEXT_CONTROL: '文本含有控制字符',
  RATIO_FORMAT: '比例格式错误',
  ID_FORMAT: '身份证号码格式错误',
  ID_BIRTH_DATE: '身份证号码中的出生日期无效',
  ID_CHECKSUM: '身份证号码校验位错误（GB 11643）',
  ID_MISMATCH: '身份证号码与出生日期或性别不一致',
  CODE_UNKNOWN: '未知代码',
  DATE_INVALID: '日期无效',
  DATE_ORDER: '日期先后顺序错误',
  POLICY_NOT_FOUND: '找不到政策文件',
  POLICY_INVALID: '政策文件有误',
  POLICY_CYCLE: '政策继承关系循环',
  POLICY_NOT_IN_FORCE: '该日期没有生效的政策',
  SOURCE_UNKNOWN: '引用了未声明的依据',
  NOT_COVERED: '该就诊类型不在医保支付范围',
  FILE_UNREADABLE: '无法读取文件',
  INVARIANT: '结算不变量被破坏（程序错误）',
  // Departments' ledgers (台账), per row or per file.
  REQUIRED: '必填项为空',
  ID_AS_NUMBER: '身份证号码以数字格式保存',
  NAME_INVALID: '姓名格式错误',
  NAME_CONFLICT: '同一身份证号码在文件中姓名不一致',
  NAME_MISMATCH: '姓名与参保登记不一致',
  CATEGORY_UNKNOWN: '人员类别不属于报送部门',
  DATE_AFTER_LEDGER: '认定日期晚于台账日期',
  REGION_UNKNOWN: '行政区划代码不存在或不在导入范围内',
  DUPLICATE_ROW: '文件中重复的行',
  LEDGER_HEADER: '台账表头不符合模板',
  LEDGER_EMPTY: '台账文件为空',
  LEDGER_REFUSED: '台账有误，未导入',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface Problem {
  code: ErrorCode;
  /** Chinese, for the user. */
  message: string;
  /** Where: a file, a path inside it (claims[0].medfee_sumamt) and a 1-based line when known. */
  file?: string;
  path?: string;
  line?: number;
}

export class SanbaoError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SanbaoError';
    this.problems = problems;
  }
  get code(): ErrorCode {
    return this.problems[0]?.code ?? 'SCHEMA';
  }
}

export function problem(code: ErrorCode, message: string, where: Omit<Problem, 'code' | 'message'> = {}): Problem {
  return { code, message, ...where };
}

export function formatProblem(p: Problem): string {
  const place = [p.file, p.line !== undefined ? `第 ${p.line} 行` : undefined, p.path]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  return `[${p.code}] ${place ? `${place}：` : ''}${p.message}`;
}

export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}
