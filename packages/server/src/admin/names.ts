/** The audit log in Chinese: what each stored action and actor is called on the screen. */

/** Every action the platform audits, by its code. */
const ACTION_NAMES: Record<string, string> = {
  'region.create': '新增区划',
  'region.update': '修改区划',
  'institution.create': '新增定点医疗机构',
  'institution.update': '修改定点医疗机构',
  'institution.credentials': '重置机构密钥',
  'user.create': '创建用户',
  'user.update': '启用、停用用户或重置密码',
  'user.password': '修改本人密码',
  logout: '退出登录',
  'login.locked': '账号锁定',
  'login.rate_limited': '登录尝试过于频繁',
  'his.locked': '机构凭证锁定',
  'his.rate_limited': '机构凭证尝试过于频繁',
  'person.create': '登记参保人',
  'category.add': '登记人员类别',
  'voucher.issue': '签发就诊凭证',
  'enrollment.create': '资助参保登记',
  'subsidy.adjust': '调整参保资助',
  'settlement.print': '打印结算单',
  'settlement.reprint': '补打结算单',
  'ledger.import': '导入台账',
  'warning.screen': '预警筛查',
  'warning.action': '预警处置',
  'webhook.create': '新增推送地址',
  'application.apply': '登记依申请救助',
  'application.approve': '批准依申请救助',
  'application.refuse': '驳回依申请救助',
};

/** A HIS transaction the endpoint refused is audited as `callService <infno>`. */
const HIS_REFUSAL = 'callService ';

export function actionName(action: string): string {
  if (action.startsWith(HIS_REFUSAL)) return `HIS 交易 ${action.slice(HIS_REFUSAL.length)}`;
  return ACTION_NAMES[action] ?? action;
}

/** The filter's choices: groups of actions (a prefix ending in .) and then each action. */
export const ACTION_GROUPS: { code: string; name: string }[] = [
  { code: 'region.', name: '区划（全部）' },
  { code: 'institution.', name: '定点医疗机构（全部）' },
  { code: 'user.', name: '用户（全部）' },
  { code: 'login.', name: '登录安全（全部）' },
  { code: 'his.', name: '机构凭证安全（全部）' },
  { code: HIS_REFUSAL, name: 'HIS 交易被拒绝（全部）' },
  ...Object.entries(ACTION_NAMES).map(([code, name]) => ({ code, name })),
];

/** Who acted, as stored (`user:admin`, `his:H…`, `cli:root`, `address:1.2.3.4`), in words. */
export function actorName(actor: string, display: string | null): string {
  const colon = actor.indexOf(':');
  const kind = colon < 0 ? actor : actor.slice(0, colon);
  const who = colon < 0 ? '' : actor.slice(colon + 1);
  switch (kind) {
    case 'user':
      return display ?? `用户 ${who}`;
    case 'his':
      return display ?? `机构 ${who}`;
    case 'cli':
      return `命令行（系统账户 ${who}）`;
    case 'address':
      return `来自 ${who}`;
    case 'anonymous':
      return '未登录';
    default:
      return actor;
  }
}
