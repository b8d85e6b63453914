/**
 * 用户: the console users an administrator manages (filters in the address, paged on the server) with role, scope,
 * township and department by name, state and last sign-in; add a user, enable or disable one, reset a password.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { answer, api } from '../../api/client';
import type { paths } from '../../api/schema';
import { useMe } from '../../app/session';
import { RegionPicker } from '../../lib/pickers';
import { Failure, Section, timeText } from '../../lib/ui';
import { failureText, useChoices, useTabFilters } from './shared';
import { PasswordReset, UserForm } from './UserForm';

type User = paths['/api/users']['get']['responses']['200']['content']['application/json']['items'][number];
const KEYS = ['q', 'role', 'region', 'active'] as const;
type Filters = Partial<Record<(typeof KEYS)[number], string>>;

export function UsersTab(): ReactNode {
  const me = useMe();
  const choices = useChoices();
  const queries = useQueryClient();
  const { message } = App.useApp();
  const { filter, page, size, search, turn } = useTabFilters('users', KEYS);
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const list = useQuery({
    queryKey: ['admin', 'users', filter, page, size],
    queryFn: () =>
      answer(
        api.GET('/api/users', {
          params: {
            query: {
              ...filter,
              role: filter.role as User['role'] | undefined,
              active: filter.active as 'true' | 'false' | undefined,
              page,
              size,
            },
          },
        }),
      ),
  });
  const refresh = (): Promise<void> => queries.invalidateQueries({ queryKey: ['admin', 'users'] });

  const setActive = async (user: User, active: boolean): Promise<void> => {
    try {
      await answer(
        api.PATCH('/api/users/{username}', { params: { path: { username: user.username } }, body: { active } }),
      );
      void message.success(active ? `已启用 ${user.display_name}` : `已停用 ${user.display_name}，其登录已全部失效`);
      await refresh();
    } catch (error) {
      void message.error(failureText(error, '操作未成功，请稍后再试'));
    }
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Section title="查询条件">
        <Form<Filters>
          name="user-filter"
          layout="inline"
          initialValues={filter}
          onFinish={search}
          style={{ rowGap: 12 }}
        >
          <Form.Item name="q" label="用户名或姓名">
            <Input allowClear style={{ width: 180 }} maxLength={50} />
          </Form.Item>
          <Form.Item name="role" label="角色">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 130 }}
              options={choices?.roles.map((role) => ({ value: role.code, label: role.name }))}
            />
          </Form.Item>
          <Form.Item name="region" label="管辖区划">
            <RegionPicker />
          </Form.Item>
          <Form.Item name="active" label="状态">
            <Select
              allowClear
              placeholder="全部"
              style={{ width: 110 }}
              options={[
                { value: 'true', label: '启用' },
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
        title="用户"
        extra={
          <Button type="primary" onClick={() => setAdding(true)}>
            新增用户
          </Button>
        }
      >
        {list.error && <Failure error={list.error} />}
        <Table
          rowKey="username"
          size="middle"
          loading={list.isPending}
          dataSource={list.data?.items}
          pagination={{
            current: page,
            pageSize: size,
            total: list.data?.total,
            showSizeChanger: true,
            showTotal: (total) => `共 ${total} 个用户`,
            onChange: turn,
          }}
          columns={[
            { title: '用户名', dataIndex: 'username' },
            { title: '姓名', dataIndex: 'display_name' },
            { title: '角色', dataIndex: 'role_name', width: 100 },
            { title: '管辖区划', dataIndex: 'scope_name', width: 110 },
            { title: '乡镇（街道）', dataIndex: 'township', render: (text: string | null) => text ?? '—' },
            { title: '部门', dataIndex: 'department_name', render: (text: string | null) => text ?? '—' },
            {
              title: '状态',
              dataIndex: 'active',
              width: 80,
              render: (active: boolean) => (active ? <Tag color="green">启用</Tag> : <Tag>已停用</Tag>),
            },
            {
              title: '最近登录',
              dataIndex: 'last_login_at',
              width: 150,
              render: (at: string | null) =>
                at ? timeText(at) : <Typography.Text type="secondary">未登录</Typography.Text>,
            },
            {
              title: '操作',
              key: 'actions',
              width: 160,
              render: (_: unknown, user: User) => (
                <Space size={0}>
                  {user.username !== me.username &&
                    (user.active ? (
                      <Popconfirm
                        title={`停用 ${user.display_name}？`}
                        description="停用后该用户不能登录，已有的登录随即失效。"
                        okText="停用"
                        cancelText="取消"
                        onConfirm={() => void setActive(user, false)}
                      >
                        <Button type="link" size="small" danger>
                          停用
                        </Button>
                      </Popconfirm>
                    ) : (
                      <Button type="link" size="small" onClick={() => void setActive(user, true)}>
                        启用
                      </Button>
                    ))}
                  <Button type="link" size="small" onClick={() => setResetting(user)}>
                    重置密码
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Section>
      {adding && (
        <UserForm
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            void refresh();
          }}
        />
      )}
      {resetting && <PasswordReset user={resetting} onClose={() => setResetting(null)} />}
    </Space>
  );
}
