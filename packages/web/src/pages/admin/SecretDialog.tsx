/**
 * A new HIS secret, shown once: the platform keeps only its salted hash, so once this dialog closes the secret is
 * nowhere — not on the page, not in the query cache. Copy it and hand it to the hospital's HIS staff.
 */
import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Modal, Typography } from 'antd';
import type { ReactNode } from 'react';
import { timeText } from '../../lib/ui';

export interface IssuedSecret {
  institution: string;
  fixmedins_code: string;
  secret: string;
  issued_at: string;
  /** Why it was issued: a new institution or a rotation. */
  reason: 'created' | 'rotated';
}

/** Copies text: the clipboard API where the page may use it, otherwise the selection. */
async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    return done;
  }
}

export function SecretDialog({ issued, onClose }: { issued: IssuedSecret; onClose: () => void }): ReactNode {
  const { message } = App.useApp();
  return (
    <Modal
      open
      title={issued.reason === 'created' ? '机构已新增：HIS 密钥' : 'HIS 密钥已重置'}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      destroyOnHidden
      footer={
        <Button type="primary" onClick={onClose} data-testid="secret-close">
          我已妥善保存，关闭
        </Button>
      }
      width={560}
    >
      <Alert
        type="warning"
        showIcon
        title="密钥只显示一次"
        description={
          <>
            平台只保存密钥的加盐摘要，关闭后任何人都无法再次查看；遗失只能重置。请立即复制，交给医院 HIS 维护人员配置为
            HTTP Basic 凭证（机构编号:密钥）。
            {issued.reason === 'rotated' && '原密钥已失效，医院须改用新密钥。'}
          </>
        }
        style={{ marginBottom: 16 }}
      />
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label="定点医疗机构">{issued.institution}</Descriptions.Item>
        <Descriptions.Item label="机构编号">{issued.fixmedins_code}</Descriptions.Item>
        <Descriptions.Item label="密钥">
          <Typography.Text code strong style={{ fontSize: 15, userSelect: 'all' }} data-testid="secret">
            {issued.secret}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label="发放时间">{timeText(issued.issued_at)}</Descriptions.Item>
      </Descriptions>
      <Button
        icon={<CopyOutlined />}
        style={{ marginTop: 16 }}
        data-testid="secret-copy"
        onClick={() =>
          void copy(issued.secret).then((done) =>
            done ? message.success('密钥已复制') : message.warning('无法自动复制，请选中密钥后手动复制'),
          )
        }
      >
        复制密钥
      </Button>
    </Modal>
  );
}
