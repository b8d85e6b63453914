/** The bill as the invoice's lines: name, grade (甲/乙/丙), amount and, for 乙类, the pre-self-pay percentage. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, InputNumber, Select, Table } from 'antd';
import type { ReactNode } from 'react';

export function ManualLines(): ReactNode {
  return (
    <Form.List name="lines">
      {(rows, { add, remove }) => (
        <>
          <Table
            size="small"
            pagination={false}
            rowKey="key"
            dataSource={rows}
            columns={[
              {
                title: '项目名称',
                render: (_, row) => (
                  <Form.Item name={[row.name, 'name']} noStyle rules={[{ required: true, message: '请填写项目名称' }]}>
                    <Input maxLength={50} />
                  </Form.Item>
                ),
              },
              {
                title: '等级',
                width: 130,
                render: (_, row) => (
                  <Form.Item name={[row.name, 'grade']} noStyle>
                    <Select
                      options={[
                        { value: '01', label: '甲类' },
                        { value: '02', label: '乙类' },
                        { value: '03', label: '丙类（自费）' },
                      ]}
                    />
                  </Form.Item>
                ),
              },
              {
                title: '金额（元）',
                width: 180,
                render: (_, row) => (
                  <Form.Item name={[row.name, 'amount']} noStyle rules={[{ required: true, message: '请填写金额' }]}>
                    <InputNumber stringMode precision={2} min="0" style={{ width: '100%' }} />
                  </Form.Item>
                ),
              },
              {
                title: '乙类先行自付（%）',
                width: 170,
                render: (_, row) => (
                  <Form.Item name={[row.name, 'selfpay_percent']} noStyle>
                    <InputNumber stringMode precision={2} min="0" max="100" style={{ width: '100%' }} />
                  </Form.Item>
                ),
              },
              {
                title: '',
                width: 50,
                render: (_, row) => (
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    aria-label="删除此行"
                    onClick={() => remove(row.name)}
                  />
                ),
              },
            ]}
          />
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ grade: '01' })} style={{ marginTop: 8 }}>
            添加明细
          </Button>
        </>
      )}
    </Form.List>
  );
}
