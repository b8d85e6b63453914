/**
 * The two remarks of a warning side by side: the township's (乡镇备注) and the bureau's (局备注), each with who wrote
 * it and when; each side edits only its own (the platform refuses the other).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Input, Row, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { answer, api } from '../../api/client';
import { useMe } from '../../app/session';
import { timeText } from '../../lib/ui';
import { failureText, isBureauOperator, isTownshipOperator, type WarningDetail } from './shared';

type Side = 'township' | 'bureau';

function RemarkCard({ detail, side, editable }: { detail: WarningDetail; side: Side; editable: boolean }): ReactNode {
  const { message } = App.useApp();
  const queries = useQueryClient();
  const text = side === 'township' ? detail.township_remark : detail.bureau_remark;
  const by = side === 'township' ? detail.township_remark_by : detail.bureau_remark_by;
  const at = side === 'township' ? detail.township_remark_at : detail.bureau_remark_at;
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (remark: string) =>
      answer(
        api.PUT('/api/warnings/{psn_no}/{year}/remarks/{side}', {
          params: { path: { psn_no: detail.psn_no, year: detail.year, side } },
          body: { remark },
        }),
      ),
    onSuccess: () => {
      void message.success('备注已保存');
      setDraft(null);
      void queries.invalidateQueries({ queryKey: ['warnings'] });
    },
    onError: (error) => void message.error(failureText(error, '保存未成功，请稍后再试')),
  });
  const title = side === 'township' ? '乡镇备注' : '局备注';
  return (
    <Card
      size="small"
      title={title}
      data-testid={`remark-${side}`}
      extra={
        editable &&
        draft === null && (
          <Button size="small" onClick={() => setDraft(text)}>
            填写
          </Button>
        )
      }
    >
      {draft !== null ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Input.TextArea rows={3} maxLength={1000} value={draft} onChange={(event) => setDraft(event.target.value)} />
          <Space>
            <Button type="primary" size="small" loading={save.isPending} onClick={() => save.mutate(draft)}>
              保存
            </Button>
            <Button size="small" onClick={() => setDraft(null)}>
              取消
            </Button>
          </Space>
        </Space>
      ) : (
        <>
          <Typography.Paragraph style={{ marginBottom: 4, whiteSpace: 'pre-wrap' }}>
            {text || <Typography.Text type="secondary">暂无</Typography.Text>}
          </Typography.Paragraph>
          {by && (
            <Typography.Text type="secondary">
              {by} · {timeText(at)}
            </Typography.Text>
          )}
        </>
      )}
    </Card>
  );
}

export function Remarks({ detail }: { detail: WarningDetail }): ReactNode {
  const me = useMe();
  return (
    <Row gutter={12}>
      <Col span={12}>
        <RemarkCard detail={detail} side="township" editable={isTownshipOperator(me)} />
      </Col>
      <Col span={12}>
        <RemarkCard detail={detail} side="bureau" editable={isBureauOperator(me)} />
      </Col>
    </Row>
  );
}
