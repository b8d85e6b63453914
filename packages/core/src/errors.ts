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
  LEDGER_FORMAT: '台账文件格式不受支持',
  LEDGER_MULTIPART: '表单格式错误',
  // The HIS interface.
  AUTH_REQUIRED: '缺少机构凭证（HTTP Basic：定点医药机构编号:密钥）',
  AUTH_FAILED: '机构凭证无效',
  AUTH_LOCKED: '机构凭证错误次数过多，已暂时锁定',
  INSTITUTION_MISMATCH: '报文中的定点医药机构编号与凭证不一致',
  INFNO_UNKNOWN: '不支持的交易编号',
  MSGID_REUSED: '报文ID已用于另一笔交易',
  PERSON_NOT_FOUND: '查无此人',
  ENCOUNTER_NOT_FOUND: '就诊信息不存在',
  SETTLEMENT_NOT_FOUND: '结算信息不存在',
  NOT_INSURED: '该人员在就诊日期未参保',
  STATE: '当前状态不允许该操作',
  DUPLICATE: '重复提交',
  NOTHING_TO_SETTLE: '没有可结算的费用',
  ALREADY_SETTLED: '该费用已结算，不能重复结算',
  FEE_LINES_REQUIRED: '须先上传费用明细',
  OUT_OF_REGION: '该人员不在本统筹区',
  // Every edge.
  FORBIDDEN: '无权进行该操作',
  NOT_FOUND: '要找的内容不存在',
  OUT_OF_SCOPE: '不在本账号的管辖范围内',
  BODY_TOO_LARGE: '请求内容过大',
  RATE_LIMITED: '请求过于频繁，请稍后再试',
  SERVICE_UNAVAILABLE: '服务暂不可用，请稍后重试',
  BUSY: '正在处理另一项相同的操作，请稍后再试',
  // The console's sign-in and users.
  LOGIN_FAILED: '用户名或密码错误',
  LOGIN_BUSY: '登录尝试过于频繁，请稍后再试',
  ACCOUNT_LOCKED: '账号已暂时锁定',
  PASSWORD_WEAK: '密码强度不足',
  PASSWORD_WRONG: '原密码错误',
  SELF_DEACTIVATION: '不能停用自己的账号',
  // Enrollment, applications, warnings.
  ALREADY_ENROLLED: '该人员当年已参保',
  APPLICATION_EXISTS: '该申请已存在',
  APPLICATION_NOT_OFFERED: '该地区未开展依申请救助',
  APPLICATION_NOT_ELIGIBLE: '不符合依申请救助的条件',
  APPLICATION_STATE: '申请当前状态不允许该操作',
  WARNING_STATE: '预警当前状态不允许该操作',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * What kind of refusal a code is: each edge answers by the kind (the console's HTTP status; the HIS interface answers
 * every refusal with infcode -1, and authentication failures with HTTP 401).
 */
export type ErrorKind =
  | 'bad_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported'
  | 'locked'
  | 'busy'
  | 'unavailable'
  | 'invariant';

const KIND_OF_SOME: Partial<Record<ErrorCode, ErrorKind>> = {
  AUTH_REQUIRED: 'unauthenticated',
  AUTH_FAILED: 'unauthenticated',
  LOGIN_FAILED: 'unauthenticated',
  AUTH_LOCKED: 'locked',
  ACCOUNT_LOCKED: 'locked',
  FORBIDDEN: 'forbidden',
  OUT_OF_SCOPE: 'forbidden',
  PASSWORD_WRONG: 'forbidden',
  INSTITUTION_MISMATCH: 'forbidden',
  NOT_FOUND: 'not_found',
  PERSON_NOT_FOUND: 'not_found',
  ENCOUNTER_NOT_FOUND: 'not_found',
  SETTLEMENT_NOT_FOUND: 'not_found',
  POLICY_NOT_FOUND: 'not_found',
  STATE: 'conflict',
  DUPLICATE: 'conflict',
  MSGID_REUSED: 'conflict',
  ALREADY_SETTLED: 'conflict',
  ALREADY_ENROLLED: 'conflict',
  APPLICATION_EXISTS: 'conflict',
  APPLICATION_NOT_OFFERED: 'conflict',
  APPLICATION_NOT_ELIGIBLE: 'conflict',
  APPLICATION_STATE: 'conflict',
  WARNING_STATE: 'conflict',
  SELF_DEACTIVATION: 'conflict',
  BUSY: 'conflict',
  BODY_TOO_LARGE: 'too_large',
  LEDGER_FORMAT: 'unsupported',
  RATE_LIMITED: 'busy',
  LOGIN_BUSY: 'busy',
  SERVICE_UNAVAILABLE: 'unavailable',
  INVARIANT: 'invariant',
};

/** The kind of a code; every code not named above is bad input (400). */
export function errorKind(code: ErrorCode): ErrorKind {
  return KIND_OF_SOME[code] ?? 'bad_input';
}

/** The HTTP status each kind is answered with. */
export const HTTP_STATUS: Record<ErrorKind, number> = {
  bad_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  locked: 423,
  busy: 429,
  unavailable: 503,
  invariant: 500,
};

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
