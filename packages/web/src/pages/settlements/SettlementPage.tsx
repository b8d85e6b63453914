/**
 * A settlement's page: the printable one-stop sheet, its history (cancellation, top-ups), and the explanation of
 * every yuan. Printing uses the browser's own dialog (the print stylesheet keeps only the sheet, on A4).
 */
import { FilePdfOutlined, PrinterOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Space, Spin, Table, Tag } from 'antd';
import { flushSync } from 'react-dom';
import dayjs from 'dayjs';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { answer, api, ApiFailure, download } from '../../api/client';
import { useMe } from '../../app/session';
import { Failure, Page, Section, timeText, yuanColumn } from '../../lib/ui';
import { Sheet } from './Sheet';
import { Trace } from './Trace';
import './sheet.css';

const KIND_TAGS: Record<string, ReactNode> = {
  settlement: <Tag>结算</Tag>,
  cancellation: <Tag color="red">冲销</Tag>,
  top_up: <Tag color="green">补付</Tag>,
};

export default function SettlementPage(): ReactNode {
  const { psnNo = '', setlId = '' } = useParams();
  const me = useMe();
  const { message } = App.useApp();
  const queries = useQueryClient();
  const [copy, setCopy] = useState<{ copy: number; printed_by_name: string; printed_at: string } | null>(null);
  const path = { params: { path: { psnNo, setlId } } };
  const detail = useQuery({
    queryKey: ['settlement', psnNo, setlId],
    queryFn: () => answer(api.GET('/api/settlements/{psnNo}/{setlId}', path)),
  });
  const prints = useQuery({
    queryKey: ['settlement-prints', psnNo, setlId],
    queryFn: () => answer(api.GET('/api/settlements/{psnNo}/{setlId}/prints', path)),
  });
  // Each copy is recorded first; the sheet then shows its clerk, time and whether it is a reprint, and is printed.
  const print = useMutation({
    mutationFn: () => answer(api.POST('/api/settlements/{psnNo}/{setlId}/prints', path)),
    onSuccess: (recorded) => {
      // The sheet shows this copy before the browser prints it.
      flushSync(() => setCopy(recorded));
      window.print();
      void queries.invalidateQueries({ queryKey: ['settlement-prints', psnNo, setlId] });
    },
    onError: (error) => void message.error(error instanceof ApiFailure ? error.message : '打印未登记，请稍后再试'),
  });
  // The PDF is a copy too: the platform records it and writes 补打 on every one after the first.
  const pdf = useMutation({
    mutationFn: () =>
      download(
        `/api/settlements/${encodeURIComponent(psnNo)}/${encodeURIComponent(setlId)}/sheet.pdf`,
        `结算单-${setlId}.pdf`,
      ),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['settlement-prints', psnNo, setlId] }),
    onError: (error) => void message.error(error instanceof ApiFailure ? error.message : '下载未成功，请稍后再试'),
  });
  const lastCopy = prints.data?.items.at(-1);
  const mayPrint = (me.role === 'operator' || me.role === 'administrator') && !me.township && !me.department;

  if (detail.isPending) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (detail.error) return <Failure error={detail.error} />;
  const settlement = detail.data;

  return (
    <Page
      title={`结算详情 · ${settlement.psn_name}`}
      extra={
        <Space>
          <Link to={`/persons/${encodeURIComponent(settlement.psn_no)}`}>查看参保人</Link>
          {mayPrint && (
            <Button icon={<FilePdfOutlined />} loading={pdf.isPending} onClick={() => pdf.mutate()} data-testid="pdf">
              下载 PDF
            </Button>
          )}
          {mayPrint && (
            <Button
              type="primary"
              icon={<PrinterOutlined />}
              loading={print.isPending}
              onClick={() => print.mutate()}
              data-testid="print"
            >
              {lastCopy ? '补打结算单' : '打印结算单'}
            </Button>
          )}
        </Space>
      }
    >
      <Sheet
        detail={settlement}
        printedBy={copy?.printed_by_name ?? me.display_name}
        printedAt={copy ? timeText(copy.printed_at) : dayjs().format('YYYY-MM-DD HH:mm')}
        printNumber={copy?.copy ?? null}
      />
      <div className="no-print">
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Section title="结算与冲销记录">
            <Table
              size="small"
              rowKey="setl_id"
              pagination={false}
              dataSource={settlement.history}
              columns={[
                { title: '结算编号', dataIndex: 'setl_id' },
                { title: '类型', dataIndex: 'kind', render: (kind: string) => KIND_TAGS[kind] ?? kind },
                { title: '时间', dataIndex: 'setl_time', render: timeText },
                yuanColumn('基金支付', 'fund_pay_sumamt'),
                yuanColumn('个人负担', 'psn_part_amt'),
              ]}
            />
          </Section>
          <Section title="打印记录">
            <Table
              size="small"
              rowKey="copy"
              pagination={false}
              dataSource={prints.data?.items}
              locale={{ emptyText: '尚未打印' }}
              columns={[
                {
                  title: '份数',
                  dataIndex: 'copy',
                  render: (copy: number) => (copy > 1 ? `第 ${copy} 份（补打）` : '首次打印'),
                },
                { title: '打印人', dataIndex: 'printed_by_name' },
                { title: '打印时间', dataIndex: 'printed_at', render: timeText },
              ]}
            />
          </Section>
          {settlement.hints.length > 0 && (
            <Alert
              type="info"
              showIcon
              title="提示"
              description={settlement.hints.map((hint) => (
                <div key={hint}>{hint}</div>
              ))}
            />
          )}
          <Section title="每一元的来历">
            <Trace steps={settlement.trace} />
          </Section>
        </Space>
      </div>
    </Page>
  );
}
