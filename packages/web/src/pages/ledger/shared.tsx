/**
 * What the ledger screens share: the answers' types, the names of modes and states, the upload of a file for a
 * preview (the file itself as the body, with the session's token), and the columns of a spell before and after.
 */
import { Tag, Typography, type TableColumnsType as ColumnsType } from 'antd';

import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ApiFailure, session } from '../../api/client';
import type { paths } from '../../api/schema';

export type Preview =
  paths['/api/ledger-previews/{previewId}']['get']['responses']['200']['content']['application/json'];
export type SpellChange =
  paths['/api/ledger-previews/{previewId}/items']['get']['responses']['200']['content']['application/json']['items'][number];
export type HistoryItem =
  paths['/api/ledger-imports/history']['get']['responses']['200']['content']['application/json']['items'][number];

/** A reporting department's code, as the routes take it. */
export type DepartmentCode = NonNullable<
  NonNullable<paths['/api/ledger-imports/history']['get']['parameters']['query']>['department']
>;

export const MODE_NAMES: Record<string, string> = { atomic: '整体导入', partial: '部分导入' };

/** A file's name as shown: its format named in capitals (冠县6月台账.csv → 冠县6月台账（CSV）). */
export function fileLabel(name: string): string {
  const match = /^(.*)\.(csv|xlsx|xls)$/i.exec(name);
  return match ? `${match[1]}（${match[2]!.toUpperCase()}）` : name;
}

export function statusTag(status: string): ReactNode {
  return status === 'imported' ? <Tag color="green">已导入</Tag> : <Tag color="red">未导入</Tag>;
}

/** The upload's query: what the operator chose. */
export interface UploadChoice {
  department: DepartmentCode;
  region: string;
  /** The ledger's date; the platform's today when not given. */
  date?: string;
  mode: 'atomic' | 'partial';
}

/**
 * Sends the file for a preview (nothing is written to the register). The body is the file itself, as the API takes
 * it; a refusal comes back as an ApiFailure with the catalogue's Chinese message.
 */
export async function uploadForPreview(file: File, choice: UploadChoice): Promise<Preview> {
  const query = new URLSearchParams({ ...choice, file_name: file.name.slice(0, 200) || '台账' });
  const token = session.token();
  let response: Response;
  try {
    response = await fetch(`/api/ledger-previews?${query.toString()}`, {
      method: 'POST',
      headers: {
        'content-type': file.type || 'application/octet-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: file,
    });
  } catch {
    throw new ApiFailure(0, 'NETWORK', '无法连接平台，请检查网络后重试');
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.status === 201) return body as Preview;
  if (body && typeof body === 'object' && 'code' in body && 'message' in body)
    throw new ApiFailure(response.status, String(body.code), String(body.message));
  throw new ApiFailure(response.status, 'UNKNOWN', `上传未成功（${response.status}）`);
}

const span = (begin: string | null | undefined, end: string | null | undefined): string =>
  begin ? `${begin} 至 ${end ?? '今'}` : '—';

/** Columns of spells before and after; for held rows the "before" is the other department's category. */
export function spellColumns(kind: 'new' | 'changed' | 'ended' | 'held' | 'created'): ColumnsType<SpellChange> {
  const person: ColumnsType<SpellChange> = [
    { title: '行号', dataIndex: 'row', width: 70, render: (row: number | null) => row ?? '—' },
    {
      title: '姓名',
      dataIndex: 'psn_name',
      width: 130,
      render: (name: string, item) =>
        item.psn_no ? (
          <Link to={`/persons/${encodeURIComponent(item.psn_no)}`}>{name}</Link>
        ) : (
          <>
            {name} <Tag color="blue">新登记</Tag>
          </>
        ),
    },
    { title: '身份证号', dataIndex: 'certno', width: 190 },
  ];
  if (kind === 'held')
    return [
      ...person,
      { title: '台账所报类别', dataIndex: 'category_name', width: 120 },
      { title: '认定期间', key: 'after', width: 130, render: (_, item) => span(item.after.begin, item.after.end) },
      {
        title: '其他部门的认定',
        key: 'before',
        render: (_, item) =>
          item.before
            ? `${item.before.department_name}：${item.before.category_name}（${span(item.before.begin, item.before.end)}）`
            : '—',
      },
      {
        title: '待核查原因',
        dataIndex: 'note',
        render: (note: string) => <Typography.Text type="warning">{note}</Typography.Text>,
      },
    ];
  return [
    ...person,
    { title: '人员类别', dataIndex: 'category_name' },
    ...(kind === 'new' || kind === 'created'
      ? []
      : [
          {
            title: '原登记',
            key: 'before',
            render: (_: unknown, item: SpellChange) => span(item.before?.begin, item.before?.end),
          },
        ]),
    {
      title: kind === 'ended' ? '终止后' : '导入后',
      key: 'after',
      render: (_, item) => span(item.after.begin, item.after.end),
    },
    ...(kind === 'created' ? [] : [{ title: '说明', dataIndex: 'note', render: (note: string) => note || '—' }]),
  ];
}
