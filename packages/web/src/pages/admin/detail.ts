/**
 * An audit row's details as stored, read in Chinese: each known field by its label in a steady order (the database
 * keeps a detail's keys in its own order), codes (roles, levels, departments, policies, regions) by their names, yes
 * and no as 是 and 否; empty fields left out. A field the console does not know keeps its name.
 */
import type { Choices } from './shared';
import { nameOf } from './shared';

const LABELS: Record<string, string> = {
  fixmedins_code: '机构编号',
  username: '用户名',
  psn_no: '人员编号',
  setl_id: '结算编号',
  admdvs: '区划',
  name: '名称',
  previous_name: '原名称',
  parent: '上级区划',
  policy_id: '政策',
  previous_policy_id: '原政策',
  level: '级别',
  previous_level: '原级别',
  lat: '纬度',
  lon: '经度',
  active: '启用',
  secret_issued: '发放密钥',
  role: '角色',
  scope_admdvs: '管辖区划',
  township: '乡镇',
  department: '部门',
  password_reset: '重置密码',
  msgid: '报文编号',
  message: '说明',
  address: '地址',
  failures: '失败次数',
  locked_until: '锁定至',
  until: '至',
  limit: '上限',
  region: '区划',
  cadence: '周期',
  raised: '新增预警',
  endpoint_id: '推送地址编号',
  url: '推送地址',
  year: '年度',
  month: '月份',
  adjusted: '调整人数',
  total: '合计',
  copy: '份次',
};

const ORDER = Object.keys(LABELS);
const REGION_KEYS = new Set(['admdvs', 'parent', 'scope_admdvs', 'region']);

function valueText(
  key: string,
  value: unknown,
  choices: Choices | undefined,
  regions: ReadonlyMap<string, string>,
): string {
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') {
    if (REGION_KEYS.has(key) && regions.has(value)) return `${regions.get(value)}（${value}）`;
    if (key === 'role') return nameOf(choices?.roles, value);
    if (key === 'level' || key === 'previous_level') return nameOf(choices?.levels, value);
    if (key === 'department') return nameOf(choices?.departments, value);
    if (key === 'policy_id' || key === 'previous_policy_id') return nameOf(choices?.policies, value);
    return value;
  }
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

const rank = (key: string): number => (ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length);

export function detailText(
  detail: Record<string, unknown>,
  choices: Choices | undefined,
  regions: ReadonlyMap<string, string>,
): string {
  const parts = Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([key, value]) => `${LABELS[key] ?? key}：${valueText(key, value, choices, regions)}`);
  return parts.length ? parts.join('；') : '—';
}
