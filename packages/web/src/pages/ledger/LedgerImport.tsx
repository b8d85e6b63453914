/**
 * 台账导入: a department's user chooses the region, the ledger's date and the mode, downloads the template and drops
 * the file; the platform previews what it would do (nothing is written) and the user confirms it. Everyone of the
 * bureau and the departments sees the history (a department's user: their own), with error reports and snapshots.
 * A bureau user downloads templates and reads the history; only a department's own users send its ledger.
 */
import { InboxOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Form, Radio, Select, Space, Spin, Upload } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { answer, api, ApiFailure, download } from '../../api/client';
import { useMe } from '../../app/session';
import { Failure, Page, Section } from '../../lib/ui';
import { ImportHistory } from './ImportHistory';
import { LedgerPreview } from './LedgerPreview';
import { uploadForPreview, type DepartmentCode, type UploadChoice } from './shared';

interface Choice {
  department?: DepartmentCode;
  region?: string;
  date?: Dayjs;
  mode: 'atomic' | 'partial';
}

export default function LedgerImport(): ReactNode {
  const me = useMe();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<Choice>();
  const [uploading, setUploading] = useState(false);
  const [lastImport, setLastImport] = useState<number | null>(null);
  const sender = Boolean(me.department) && !me.township && me.role !== 'read_only';
  const departments = useQuery({
    queryKey: ['ledger-departments'],
    queryFn: () => answer(api.GET('/api/ledger-departments')),
    staleTime: Infinity,
  });
  const regions = useQuery({
    queryKey: ['regions'],
    queryFn: () => answer(api.GET('/api/regions')),
    staleTime: 600_000,
  });
  const previewId = Number(params.get('preview') ?? 0);
  const preview = useQuery({
    queryKey: ['ledger-preview', previewId],
    queryFn: () => answer(api.GET('/api/ledger-previews/{previewId}', { params: { path: { previewId } } })),
    enabled: previewId > 0 && sender,
  });
  const setPreview = (id: number | null): void => {
    const next = new URLSearchParams(params);
    if (id) next.set('preview', String(id));
    else next.delete('preview');
    setParams(next);
  };

  const visible = (departments.data ?? []).filter((d) => !me.department || d.code === me.department);
  const [templateDepartment, setTemplateDepartment] = useState<string | undefined>(me.department ?? undefined);
  const chosen = visible.find((d) => d.code === (templateDepartment ?? visible[0]?.code));
  const template = (format: 'xlsx' | 'csv'): void => {
    if (!chosen) return;
    void download(`/api/ledger-templates/${chosen.code}?format=${format}`, `${chosen.name}台账模板.${format}`).catch(
      (error: unknown) => message.error(error instanceof ApiFailure ? error.message : '下载未成功'),
    );
  };

  const send = async (file: File): Promise<void> => {
    let fields: Choice;
    try {
      fields = await form.validateFields();
    } catch {
      return;
    }
    setUploading(true);
    try {
      const choice: UploadChoice = {
        department: fields.department!,
        region: fields.region!,
        ...(fields.date ? { date: fields.date.format('YYYY-MM-DD') } : {}),
        mode: fields.mode,
      };
      const made = await uploadForPreview(file, choice);
      setLastImport(null);
      setPreview(made.preview_id);
      void message.success('已生成预览，尚未写入任何数据，请核对后确认导入');
    } catch (error) {
      void message.error(error instanceof ApiFailure ? error.message : '上传未成功，请稍后再试');
    } finally {
      setUploading(false);
    }
  };

  if (departments.isPending) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (departments.error) return <Failure error={departments.error} />;

  return (
    <Page title="台账导入">
      <Section
        title="台账模板"
        extra={
          <Space>
            {!me.department && (
              <Select
                style={{ width: 180 }}
                value={chosen?.code}
                onChange={setTemplateDepartment}
                options={visible.map((d) => ({ value: d.code, label: d.name }))}
              />
            )}
            <Button onClick={() => template('xlsx')} data-testid="template-xlsx">
              下载 XLSX 模板
            </Button>
            <Button onClick={() => template('csv')}>下载 CSV 模板</Button>
          </Space>
        }
      >
        {chosen && (
          <span>
            {chosen.name}报送的人员类别：{chosen.categories.map((c) => c.name).join('、')}
            。台账为本部门在台账日期仍有效的全部人员； 上次报送有、本次未列出的人员，其类别于台账日期前一日终止。
          </span>
        )}
      </Section>
      {sender ? (
        <Section title="上传台账">
          <Form<Choice>
            form={form}
            layout="inline"
            style={{ rowGap: 12, marginBottom: 16 }}
            initialValues={{
              department: me.department as DepartmentCode,
              region: me.scope_admdvs ?? undefined,
              mode: 'partial',
            }}
          >
            <Form.Item name="department" label="报送部门">
              <Select
                disabled
                style={{ width: 160 }}
                options={visible.map((d) => ({ value: d.code, label: d.name }))}
              />
            </Form.Item>
            <Form.Item name="region" label="台账所属区划" rules={[{ required: true, message: '请选择区划' }]}>
              <Select
                style={{ width: 180 }}
                loading={regions.isPending}
                options={regions.data?.items.map((r) => ({ value: r.admdvs, label: r.name }))}
                data-testid="ledger-region"
              />
            </Form.Item>
            <Form.Item name="date" label="台账日期" tooltip="不选即为平台当日；不能晚于当日">
              <DatePicker placeholder="默认为今天" />
            </Form.Item>
            <Form.Item name="mode" label="导入方式">
              <Radio.Group
                options={[
                  { value: 'partial', label: '部分导入（导入正确行）' },
                  { value: 'atomic', label: '整体导入（有错误行则不导入）' },
                ]}
              />
            </Form.Item>
          </Form>
          <div data-testid="ledger-upload">
            <Upload.Dragger
              accept=".xlsx,.csv"
              multiple={false}
              showUploadList={false}
              disabled={uploading}
              beforeUpload={(file) => {
                void send(file);
                return false;
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{uploading ? '正在读取与比对…' : '将台账文件拖到此处，或点击选择文件'}</p>
              <p className="ant-upload-hint">支持 XLSX 与 CSV。上传后先生成预览，确认后才导入；预览保留 2 小时。</p>
            </Upload.Dragger>
          </div>
        </Section>
      ) : (
        <Alert
          type="info"
          showIcon
          title="台账由报送部门的经办人员上传、预览并确认导入；此处可下载模板、查看导入记录、错误报告与导入前后快照。"
        />
      )}
      {lastImport !== null && (
        <Alert
          type="success"
          showIcon
          title={`已导入（导入记录 ${lastImport}），可在导入历史中查看导入前后快照。`}
          closable
        />
      )}
      {preview.error && <Failure error={preview.error} />}
      {preview.data && (
        <LedgerPreview
          preview={preview.data}
          canConfirm={sender}
          onConfirmed={(importId) => {
            setLastImport(importId);
            setPreview(null);
          }}
          onClose={() => setPreview(null)}
        />
      )}
      <ImportHistory departments={visible} fixedDepartment={me.department ?? null} />
    </Page>
  );
}
