/**
 * What the 预警台账's parts share: the answers' types, a level shown in its colour (蓝码 blue, 黄码 gold, 红码 red), who
 * may do what (the platform refuses the same), and a refusal in the platform's words. (A level tag and the
 * failure text could be shared with other screens.)
 */
import { Tag } from 'antd';
import type { ReactNode } from 'react';
import type { paths } from '../../api/schema';
import { counter } from '../../app/access';
import type { Me } from '../../app/session';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

export type LedgerAnswer = Json<paths['/api/warnings']['get']['responses']['200']>;
export type WarningItem = LedgerAnswer['items'][number];
export type WarningDetail = Json<paths['/api/warnings/{psn_no}/{year}']['get']['responses']['200']>;
export type Counts = Json<paths['/api/warnings/counts']['get']['responses']['200']>;
export type Handover = Json<paths['/api/warning-handovers']['get']['responses']['200']>['items'][number];
export type Level = WarningItem['level'];
export type Status = WarningItem['status'];

export const LEVEL_COLORS: Record<string, string> = { blue: 'blue', yellow: 'gold', red: 'red' };
export const LEVELS = [
  { value: 'red', label: '红码' },
  { value: 'yellow', label: '黄码' },
  { value: 'blue', label: '蓝码' },
] as const;
export const STATUSES = [
  { value: 'new', label: '新预警' },
  { value: 'sent', label: '已反馈' },
  { value: 'visited', label: '已入户走访' },
  { value: 'monitored', label: '已纳入监测' },
  { value: 'assisted', label: '已救助帮扶' },
  { value: 'closed', label: '已办结' },
] as const;
export const STATUS_NAMES = Object.fromEntries(STATUSES.map((s) => [s.value, s.label])) as Record<Status, string>;

export function LevelTag({ level, name }: { level: string; name: string }): ReactNode {
  return (
    <Tag color={LEVEL_COLORS[level]} data-testid={`level-${level}`}>
      {name}
    </Tag>
  );
}

/** Handed down to its township, taken back, or still with the bureau. */
export function HandoverTag({ warning }: { warning: Pick<WarningItem, 'handed_down' | 'recalled'> }): ReactNode {
  if (warning.handed_down) return <Tag color="green">已下放</Tag>;
  if (warning.recalled) return <Tag color="orange">已收回</Tag>;
  return <Tag>未下放</Tag>;
}

/** May record the follow-up and write remarks: an operator or an administrator (within what they see). */
export const mayAct = (me: Me): boolean => me.role === 'operator' || me.role === 'administrator';
/** The bureau's operators hand down and take back, and write the bureau's remark. */
export const isBureauOperator = counter;
/** A township's operators write the township's remark. */
export const isTownshipOperator = (me: Me): boolean => mayAct(me) && Boolean(me.township);

export { failureText } from '../../lib/ui';
