/**
 * 定点医疗机构: the institutions in scope (filters in the address, paged on the server) with their HIS secret's state;
 * add one (its secret shown once), change one, or rotate its secret (the old one fails at once).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { answer, api } from '../../api/client';
import { RegionPicker } from '../../lib/pickers';
import { Failure, Section, timeText } from '../../lib/ui';
import { InstitutionForm, type Institution } from './InstitutionForm';
import { SecretDialog, type IssuedSecret } from './SecretDialog';
import { failureText, useChoices, useTabFilters } from './shared';

const KEYS = ['admdvs', 'level', 'active', 'q'] as const;
type Filters = Partial<Record<(typeof KEYS)[number], string>>;

export function InstitutionsTab(): ReactNode {
  const choices = useChoices();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const { filter, page, size, search, turn } = useTabFilters('institutions', KEYS);
  const [editing, setEditing] = useState<Institution | 'new' | null>(null);
  const [issued, setIssued] = useState<IssuedSecret | null>(null);
  const list = useQuery({
    queryKey: ['admin', 'institutions', filter, page, size],
    queryFn: () =>
      answer(
        api.GET('/api/admin/institutions', {
          params: {
            query: {
              ...filter,
              level: filter.level as Institution['level'] | undefined,
              active: filter.active as 'true' | 'false' | undefined,
              page,
              size,
            },
          },
        }),
      ),
  });

  const refresh = async (): Promise<void> => {
    await Promise.all([
      queries.invalidateQueries({ queryKey: ['admin', 'institutions'] }),
      queries.invalidateQueries({ queryKey: ['admin', 'regions'] }),
      queries.invalidateQueries({ queryKey: ['institutions'] }),
    ]);
  };

  const rotate = async (row: Institution): Promise<void> => {
    try {
      const credential = await answer(
        api.POST('/api/institutions/{code}/credentials', { params: { path: { code: row.fixmedins_code } } }),
      );
      setIssued({ ...credential, institution: row.name, reason: 'rotated' });
      await refresh();
    } catch (error) {
      void message.error(failureText(error, '重置未成功，请稍后再试'));
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Section title="查询条件">
        <Form<Filters>
          name="institution-filter"
          layout="inline"
          initialValues={filter}
          onFinish={search}
          style={{ rowGap: 12 }}
        >
          <Form.Item name="q" label="编号或名称">
            <Input allowClear style={{ width: 200 }} maxLength={50} />
          </Form.Item>
          <Form.Item name="admdvs" label="所在区划">
            <RegionPicker />
          </Form.Item>
          <Form.Item name="level" label="级别">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 170 }}
              options={choices?.levels.map((level) => ({ value: level.code, label: level.name }))}
            />
          </Form.Item>
          <Form.Item name="active" label="状态">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 120 }}
              options={[
                { value: 'true', label: '协议期内' },
                { value: 'false', label: '已停用' },
              ]}
            />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              查询
            </Button>
          </Form.Item>
        </Form>
      </Section>
      <Section
        title="定点医疗机构"
        extra={
          <Button type="primary" onClick={() => setEditing('new')}>
            新增机构
          </Button>
        }
      >
        {list.error && <Failure error={list.error} />}
        <Table
          rowKey="fixmedins_code"
          size="middle"
          loading={list.isPending}
          dataSource={list.data?.items}
          pagination={{
            current: page,
            pageSize: size,
            total: list.data?.total,
            showSizeChanger: true,
            showTotal: (total) => `共 ${total} 家`,
            onChange: turn,
          }}
          columns={[
            { title: '机构编号', dataIndex: 'fixmedins_code', width: 140 },
            { title: '机构名称', dataIndex: 'name' },
            { title: '级别', dataIndex: 'level_name', width: 140 },
            { title: '所在区划', dataIndex: 'region_name', width: 100 },
            {
              title: '位置（纬度，经度）',
              key: 'location',
              width: 170,
              render: (_: unknown, row: Institution) =>
                row.lat === null || row.lon === null ? '—' : `${row.lat.toFixed(3)}，${row.lon.toFixed(3)}`,
            },
            {
              title: '状态',
              dataIndex: 'active',
              width: 100,
              render: (active: boolean) => (active ? <Tag color="green">协议期内</Tag> : <Tag>已停用</Tag>),
            },
            {
              title: 'HIS 密钥',
              key: 'secret',
              width: 170,
              render: (_: unknown, row: Institution) =>
                !row.has_secret ? (
                  <Tag color="orange">未发放</Tag>
                ) : row.secret_issued_at ? (
                  <Typography.Text>{timeText(row.secret_issued_at)} 发放</Typography.Text>
                ) : (
                  <Typography.Text type="secondary">已发放</Typography.Text>
                ),
            },
            {
              title: '操作',
              key: 'actions',
              width: 150,
              render: (_: unknown, row: Institution) => (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => setEditing(row)}>
                    修改
                  </Button>
                  <Popconfirm
                    title={`重置 ${row.name} 的 HIS 密钥？`}
                    description="原密钥立即失效，医院 HIS 须改用新密钥才能继续结算。"
                    okText="重置"
                    cancelText="取消"
                    onConfirm={() => void rotate(row)}
                  >
                    <Button type="link" size="small" danger>
                      重置密钥
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Section>
      {editing && (
        <InstitutionForm
          institution={editing}
          onClose={() => setEditing(null)}
          onSaved={(secret) => {
            setEditing(null);
            if (secret) setIssued(secret);
            void refresh();
          }}
        />
      )}
      {issued && <SecretDialog issued={issued} onClose={() => setIssued(null)} />}
    </Space>
  );
}
