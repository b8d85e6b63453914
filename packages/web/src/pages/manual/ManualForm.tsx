/**
 * 办理零星报销: the person, the hospital, the stay or visit and the bill (as totals or as the invoice's lines); 预结算
 * shows what each fund pays and why; 确认结算 settles exactly what was pre-settled (under the same request key, so a
 * second click or a resend settles nothing more) and opens the settlement's page to print its sheet.
 */
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Form, Input, InputNumber, Radio, Row, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { answer, api } from '../../api/client';
import type { paths } from '../../api/schema';
import { MED_TYPES } from '../../lib/codes';
import { InstitutionPicker } from '../../lib/pickers';
import { PersonPicker } from '../../lib/PersonPicker';
import { Failure } from '../../lib/ui';
import { ManualLines } from './ManualLines';
import { PreviewResult, type Preview } from './PreviewResult';

type Body = paths['/api/manual-settlements']['post']['requestBody']['content']['application/json'];

interface LineFields {
  name: string;
  grade: '01' | '02' | '03';
  amount: string;
  selfpay_percent?: string;
}

interface Fields {
  psn_no: string;
  fixmedins_code: string;
  med_type: string;
  dates: [Dayjs, Dayjs] | Dayjs;
  diagnoses?: string[];
  note?: string;
  mode: 'totals' | 'lines';
  medfee_sumamt?: string;
  fulamt_ownpay_amt?: string;
  overlmt_selfpay?: string;
  preselfpay_amt?: string;
  lines?: LineFields[];
}

const inpatient = (medType: string | undefined): boolean => medType?.startsWith('2') ?? false;

/** The request as the platform takes it, amounts as the clerk typed them (text yuan, never floats). */
function bodyOf(fields: Fields, key: string): Body {
  const [begin, end] = Array.isArray(fields.dates) ? fields.dates : [fields.dates, null];
  return {
    request_key: key,
    psn_no: fields.psn_no,
    fixmedins_code: fields.fixmedins_code,
    med_type: fields.med_type,
    begin_date: begin.format('YYYY-MM-DD'),
    end_date: end ? end.format('YYYY-MM-DD') : null,
    diagnoses: fields.diagnoses ?? [],
    note: fields.note ?? '',
    bill:
      fields.mode === 'totals'
        ? {
            mode: 'totals',
            medfee_sumamt: fields.medfee_sumamt ?? '0',
            fulamt_ownpay_amt: fields.fulamt_ownpay_amt ?? '0',
            overlmt_selfpay: fields.overlmt_selfpay ?? '0',
            preselfpay_amt: fields.preselfpay_amt ?? '0',
          }
        : {
            mode: 'lines',
            lines: (fields.lines ?? []).map((line) => ({
              name: line.name,
              grade: line.grade,
              amount: line.amount,
              ...(line.grade === '02' && line.selfpay_percent ? { selfpay_percent: line.selfpay_percent } : {}),
            })),
          },
  };
}

const money = { stringMode: true, precision: 2, min: '0', style: { width: '100%' }, addonAfter: '元' } as const;

export function ManualForm(): ReactNode {
  const [form] = Form.useForm<Fields>();
  const navigate = useNavigate();
  const medType = Form.useWatch('med_type', form);
  const mode = Form.useWatch('mode', form);
  // The pre-settled request: confirming sends exactly it, under its key.
  const [previewed, setPreviewed] = useState<{ body: Body; preview: Preview } | null>(null);

  const preview = useMutation({
    mutationFn: async () => {
      const body = bodyOf(await form.validateFields(), crypto.randomUUID());
      return { body, preview: await answer(api.POST('/api/manual-settlements/preview', { body })) };
    },
    onSuccess: setPreviewed,
  });
  const confirm = useMutation({
    mutationFn: (body: Body) => answer(api.POST('/api/manual-settlements', { body })),
    onSuccess: (done) =>
      void navigate(`/settlements/${encodeURIComponent(done.psn_no)}/${encodeURIComponent(done.setl_id)}`),
  });
  const failure = preview.error ?? confirm.error;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Form<Fields>
        form={form}
        layout="vertical"
        initialValues={{ mode: 'totals', med_type: '21', lines: [{ grade: '01' }] }}
        onValuesChange={() => setPreviewed(null)}
        data-testid="manual-form"
      >
        <Card size="small" title="就诊信息">
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item name="psn_no" label="参保人" rules={[{ required: true, message: '请选择参保人' }]}>
                <PersonPicker />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="fixmedins_code"
                label="就诊医疗机构"
                rules={[{ required: true, message: '请选择医疗机构' }]}
              >
                <InstitutionPicker width="100%" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="med_type" label="医疗类别" rules={[{ required: true }]}>
                <Select options={Object.entries(MED_TYPES).map(([value, label]) => ({ value, label }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item
                name="dates"
                label={inpatient(medType) ? '入院、出院日期' : '就诊日期'}
                rules={[{ required: true, message: '请选择日期' }]}
              >
                {inpatient(medType) ? (
                  <DatePicker.RangePicker style={{ width: '100%' }} />
                ) : (
                  <DatePicker style={{ width: '100%' }} />
                )}
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="diagnoses" label="诊断">
                <Select mode="tags" placeholder="输入诊断后回车" open={false} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="note" label="备注">
                <Input maxLength={200} placeholder="如：外地住院，医院未能直接结算" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        <Card
          size="small"
          title="费用"
          style={{ marginTop: 16 }}
          extra={
            <Form.Item name="mode" noStyle>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'totals', label: '按发票总额' },
                  { value: 'lines', label: '按费用明细' },
                ]}
              />
            </Form.Item>
          }
        >
          {mode === 'lines' ? (
            <ManualLines />
          ) : (
            <Row gutter={16}>
              <Col span={6}>
                <Form.Item
                  name="medfee_sumamt"
                  label="医疗费总额"
                  rules={[{ required: true, message: '请填写医疗费总额' }]}
                >
                  <InputNumber {...money} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="fulamt_ownpay_amt" label="全自费金额">
                  <InputNumber {...money} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="overlmt_selfpay" label="超限价自费">
                  <InputNumber {...money} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="preselfpay_amt" label="先行自付金额">
                  <InputNumber {...money} />
                </Form.Item>
              </Col>
            </Row>
          )}
        </Card>
      </Form>
      {failure && <Failure error={failure} />}
      <Space>
        <Button onClick={() => preview.mutate()} loading={preview.isPending} data-testid="preview-button">
          预结算
        </Button>
        <Button
          type="primary"
          disabled={!previewed}
          loading={confirm.isPending}
          onClick={() => previewed && confirm.mutate(previewed.body)}
          data-testid="confirm-button"
        >
          确认结算
        </Button>
      </Space>
      {!previewed && !failure && (
        <Alert
          type="info"
          showIcon
          title="先预结算，核对各基金支付与计算过程后再确认结算；修改任何内容后须重新预结算。"
        />
      )}
      {previewed && <PreviewResult preview={previewed.preview} />}
    </Space>
  );
}
