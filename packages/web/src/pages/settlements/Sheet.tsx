/**
 * 一站式结算单: one A4 page a patient takes home — hospital, patient, dates, diagnosis, the bill's parts, what each
 * layer paid and what the person pays (also in capitals), amounts in 元, who printed it and when, and whether it is a
 * reprint (补打); a 零星报销 names the clerk who settled it. The print stylesheet leaves only this sheet on paper.
 */
import type { ReactNode } from 'react';
import { yuanInCapitals, yuanText, percent } from '../../lib/money';
import { timeText } from '../../lib/ui';
import type { SettlementDetail } from './types';

/** The template by kind of settlement: 一站式 (inpatient), 门诊, 零星 (manual) have their own titles. */
export function sheetTitle(detail: SettlementDetail): string {
  if (detail.manual) return '医疗保障零星报销结算单';
  if (detail.med_type.startsWith('2')) return '医疗保障一站式结算单（住院）';
  return '医疗保障一站式结算单（门诊）';
}

function Amount({ value }: { value: string }): ReactNode {
  return <td className="num">{yuanText(value)}</td>;
}

export function Sheet({
  detail,
  printedBy,
  printedAt,
  printNumber,
}: {
  detail: SettlementDetail;
  printedBy: string;
  printedAt: string;
  printNumber: number | null;
}): ReactNode {
  const { encounter, institution, person } = detail;
  const inpatient = detail.med_type.startsWith('2');
  return (
    <div className="sheet" data-testid="sheet">
      <h2>{sheetTitle(detail)}</h2>
      <div className="sheet-meta">
        <span>结算编号：{detail.setl_id}</span>
        <span>金额单位：元</span>
      </div>
      <div className="sheet-meta">
        <span>
          <span style={{ marginRight: 24 }}>经办人：{detail.manual?.clerk_name ?? printedBy}</span>打印时间：{printedAt}
        </span>
        <span>{printNumber !== null && printNumber > 1 ? `补打（第 ${printNumber} 次打印）` : ''}</span>
      </div>
      <table>
        <colgroup>
          {[0, 1, 2].map((pair) => [
            <col key={`h${pair}`} style={{ width: '12%' }} />,
            <col key={`d${pair}`} style={{ width: '21.33%' }} />,
          ])}
        </colgroup>
        <tbody>
          <tr>
            <th>姓名</th>
            <td>{detail.psn_name}</td>
            <th>性别</th>
            <td>{person.gend_name}</td>
            <th>年龄</th>
            <td>{person.age} 岁</td>
          </tr>
          <tr>
            <th>身份证号</th>
            <td colSpan={3}>{detail.certno}</td>
            <th>人员类别</th>
            <td>{detail.category_name}</td>
          </tr>
          <tr>
            <th>参保地</th>
            <td>{person.admdvs_name}</td>
            <th>人员编号</th>
            <td>{detail.psn_no}</td>
            <th>乡镇（街道）</th>
            <td>{person.township || '—'}</td>
          </tr>
          <tr>
            <th>医疗机构</th>
            <td colSpan={3} className="wrap">
              {institution.name}
            </td>
            <th>机构等级</th>
            <td>{institution.level_name}</td>
          </tr>
          <tr>
            <th>医疗类别</th>
            <td>{encounter.med_type_name}</td>
            <th>{inpatient ? '住院号' : '门诊号'}</th>
            <td>{encounter.ipt_otp_no ?? '—'}</td>
            <th>结算时间</th>
            <td>{timeText(detail.setl_time)}</td>
          </tr>
          <tr>
            <th>{inpatient ? '入院时间' : '就诊时间'}</th>
            <td>{timeText(encounter.begntime)}</td>
            <th>{inpatient ? '出院时间' : '结束时间'}</th>
            <td>{timeText(encounter.endtime)}</td>
            <th>诊断</th>
            <td className="wrap">{encounter.dise_codg.join('、') || '—'}</td>
          </tr>
          <tr>
            <th>医疗费总额</th>
            <Amount value={detail.medfee_sumamt} />
            <th>全自费</th>
            <Amount value={detail.fulamt_ownpay_amt} />
            <th>超限价自费</th>
            <Amount value={detail.overlmt_selfpay} />
          </tr>
          <tr>
            <th>先行自付</th>
            <Amount value={detail.preselfpay_amt} />
            <th>政策范围内</th>
            <Amount value={detail.inscp_scp_amt} />
            <th>起付线</th>
            <Amount value={detail.act_pay_dedc} />
          </tr>
          <tr>
            <th>基本医保</th>
            <Amount value={detail.hifp_pay} />
            <th>大病保险</th>
            <Amount value={detail.hifmi_pay} />
            <th>医疗救助</th>
            <Amount value={detail.maf_pay} />
          </tr>
          <tr>
            <th>其他支付</th>
            <Amount value={detail.oth_pay} />
            <th>基金支付合计</th>
            <Amount value={detail.fund_pay_sumamt} />
            <th>统筹支付比例</th>
            <td className="num">{percent(detail.pool_prop_selfpay)}</td>
          </tr>
          <tr>
            <th>个人负担</th>
            <td className="num">
              <strong>{yuanText(detail.psn_part_amt)}</strong>
            </td>
            <th>大写</th>
            <td colSpan={3}>
              <strong>{yuanInCapitals(detail.psn_part_amt)}</strong>
            </td>
          </tr>
          {detail.hosp_part_amt !== '0.00' && (
            <tr>
              <th>医院负担</th>
              <Amount value={detail.hosp_part_amt} />
              <td colSpan={4} />
            </tr>
          )}
        </tbody>
      </table>
      <div className="sheet-sign">
        <span>参保人（代办人）签字：</span>
        <span>经办机构（盖章）：</span>
        <span style={{ wordSpacing: '2.5em' }}>日期： 年 月 日</span>
      </div>
    </div>
  );
}
