/** 登录: username and password; the platform's own Chinese refusal is shown as it is (wrong password, locked, busy). */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { answer, api, ApiFailure } from '../api/client';
import { useSession } from '../app/session';

interface Fields {
  username: string;
  password: string;
}

/** Only a path of this console is followed after login (never another site). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function Login(): ReactNode {
  const { me, signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  if (me) return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async (fields: Fields): Promise<void> => {
    setSending(true);
    setFailure(null);
    try {
      const session = await answer(api.POST('/api/login', { body: fields }));
      signIn(session.token, session.user);
      void navigate(safeNext(params.get('next')), { replace: true });
    } catch (error) {
      setFailure(error instanceof ApiFailure ? error.message : '登录失败，请稍后再试');
    } finally {
      setSending(false);
    }
  };

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(160deg, #e6f0ff 0%, #f5f7fa 60%)',
      }}
    >
      <Card style={{ width: 380 }}>
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          三保一站式结算平台
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          基本医保 · 大病保险 · 医疗救助
        </Typography.Paragraph>
        {failure && (
          <Alert type="error" title={failure} showIcon style={{ marginBottom: 16 }} data-testid="login-error" />
        )}
        <Form<Fields> layout="vertical" onFinish={(fields) => void submit(fields)} requiredMark={false}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={sending}>
            登录
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
          连续输错密码将暂时锁定账号；登录后 12 小时内有效。
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
