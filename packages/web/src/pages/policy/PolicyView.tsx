/**
 * 政策: a region's policy on a chosen date — every value in yuan, percent, counts and names with its source and how
 * sure that source is — searchable; a 对比 mode for two regions or two dates showing only what differs; and the
 * region's worked cases run on demand. What is chosen is kept in the address.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Form, Input, Segmented, Space } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { answer, api } from '../../api/client';
import { Failure, Page, Section } from '../../lib/ui';
import { CasesPanel } from './CasesPanel';
import { PolicyDiff, type Pair } from './PolicyDiff';
import { PolicySummary, PolicyTable } from './PolicyTable';
import { RegionSelect, useDefaultRegion } from './RegionSelect';

type Changes = Record<string, string | undefined>;

export default function PolicyView(): ReactNode {
  const [params, setParams] = useSearchParams();
  const fallback = useDefaultRegion();
  const mode = params.get('mode') === 'diff' ? 'diff' : 'view';
  const admdvs = params.get('admdvs') ?? fallback;
  const date = params.get('date') ?? undefined;
  const search = params.get('q') ?? '';

  const update = (changes: Changes, replace = false): void => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace });
  };

  const policy = useQuery({
    queryKey: ['policy', admdvs, date],
    enabled: mode === 'view' && admdvs !== undefined,
    queryFn: () => answer(api.GET('/api/policy', { params: { query: { admdvs: admdvs ?? '', date } } })),
  });
  const cases = useMutation({
    mutationFn: (region: string) => answer(api.POST('/api/policy/cases', { params: { query: { admdvs: region } } })),
  });
  const casesShown = cases.data && cases.data.admdvs === admdvs ? cases.data : undefined;

  const a: Pair = { admdvs: params.get('a') ?? admdvs, date: params.get('ad') ?? undefined };
  const b: Pair = { admdvs: params.get('b') ?? admdvs, date: params.get('bd') ?? undefined };

  return (
    <Page
      title="政策"
      extra={
        <Segmented
          value={mode}
          onChange={(value) => update({ mode: value === 'diff' ? 'diff' : undefined })}
          options={[
            { label: '查看', value: 'view' },
            { label: '对比', value: 'diff' },
          ]}
          data-testid="policy-mode"
        />
      }
    >
      {mode === 'diff' ? (
        <PolicyDiff
          a={a}
          b={b}
          onChange={(nextA, nextB) => update({ a: nextA.admdvs, ad: nextA.date, b: nextB.admdvs, bd: nextB.date })}
        />
      ) : (
        <>
          <Section title="查询条件">
            <Space wrap size={16}>
              <Form.Item label="区划" style={{ marginBottom: 0 }}>
                <RegionSelect value={admdvs} onChange={(region) => update({ admdvs: region })} testId="policy-region" />
              </Form.Item>
              <Form.Item label="日期" style={{ marginBottom: 0 }}>
                <DatePicker
                  allowClear={false}
                  value={date ? dayjs(date) : policy.data ? dayjs(policy.data.date) : undefined}
                  onChange={(day) => update({ date: day ? day.format('YYYY-MM-DD') : undefined })}
                  data-testid="policy-date"
                />
              </Form.Item>
              <Input.Search
                allowClear
                placeholder="搜索参数名称、取值或依据"
                defaultValue={search}
                style={{ width: 280 }}
                onChange={(event) => update({ q: event.target.value }, true)}
                data-testid="policy-search"
              />
              <Button
                type="primary"
                loading={cases.isPending}
                disabled={admdvs === undefined}
                onClick={() => admdvs && cases.mutate(admdvs)}
                data-testid="run-cases"
              >
                运行案例
              </Button>
            </Space>
          </Section>
          {policy.error && <Failure error={policy.error} />}
          {cases.error && <Failure error={cases.error} />}
          {policy.data && <PolicySummary policy={policy.data} />}
          {casesShown && <CasesPanel cases={casesShown} />}
          {policy.data && <PolicyTable policy={policy.data} search={search} />}
        </>
      )}
    </Page>
  );
}
