/**
 * The settlement sheet as a PDF (GET /api/settlements/:psnNo/:setlId/sheet.pdf): one A4 page whose text, read back
 * with pdftotext, carries the amounts and the personal part in capitals; each download is a recorded copy (the
 * second a 补打); who may not print is refused, and a server without a CJK font says so before recording anything.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted } from '../test-support/his-calls.js';
import { createWorld, envelope, registerVisit, signIn, type World } from '../test-support/world.js';

let world: World;
let fontless: World;
let clerk: string;
let reviewer: string;
let setlId: string;

async function download(
  target: World,
  token: string,
  id: string,
): Promise<{ status: number; body: Buffer; type: string }> {
  const response = await target.app.inject({
    method: 'GET',
    url: `/api/settlements/P002/${id}/sheet.pdf`,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.statusCode, body: response.rawPayload, type: String(response.headers['content-type']) };
}

function text(pdf: Buffer): { text: string; info: string } {
  const folder = mkdtempSync(join(tmpdir(), 'sanbao-pdf-'));
  const file = join(folder, 'sheet.pdf');
  writeFileSync(file, pdf);
  return {
    text: execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }),
    info: execFileSync('pdfinfo', [file], { encoding: 'utf8' }),
  };
}

beforeAll(async () => {
  world = await createWorld('sheet_pdf');
  clerk = await signIn(world, {
    username: 'clerk',
    display_name: '谯城经办张敏',
    role: 'operator',
    scope_admdvs: '341602',
  });
  reviewer = await signIn(world, {
    username: 'reviewer',
    display_name: '谯城审核',
    role: 'reviewer',
    scope_admdvs: '341602',
  });
  // P002 (ordinary resident): a chronic-disease outpatient visit (门诊慢特病) of 1,234.56 at the county hospital.
  // anhui.yaml basic.chronic_outpatient: no deductible, 60% → 1,234.56 × 60% = 740.736 → 740.74 (half up); the person
  // pays 1,234.56 − 740.74 = 493.82 (肆佰玖拾叁元捌角贰分).
  const mdtrtId = await registerVisit(world, 'P002');
  const data = {
    psn_no: 'P002',
    mdtrt_id: mdtrtId,
    med_type: '14',
    medfee_sumamt: 1234.56,
    fulamt_ownpay_amt: 0,
    overlmt_selfpay: 0,
    preselfpay_amt: 0,
  };
  setlId = (await accepted(world, envelope('2207', { data }))).output['setlinfo'].setl_id as string;
  fontless = await createWorld('sheet_pdf_fontless', { pdfFont: '/nonexistent/font.ttc' });
});
afterAll(async () => {
  await world.close();
  await fontless.close();
});

describe('the sheet as a PDF', () => {
  it('is one A4 page with the amounts and the personal part in capitals, and each download is a recorded copy', async () => {
    const first = await download(world, clerk, setlId);
    expect(first.status).toBe(200);
    expect(first.type).toBe('application/pdf');
    const { text: printed, info } = text(first.body);
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    for (const expected of [
      '医疗保障一站式结算单（门诊）',
      '金额单位：元',
      '经办人：谯城经办张敏',
      '李建国',
      '1,234.56',
      '740.74',
      '493.82',
      '肆佰玖拾叁元捌角贰分',
      '门诊慢特病',
    ])
      expect(printed).toContain(expected);
    expect(printed).not.toContain('补打');
    const second = text((await download(world, clerk, setlId)).body).text;
    expect(second).toContain('补打（第 2 次打印）');
    const { rows } = await world.pool.query('select copy from settlement_prints where setl_id = $1 order by copy', [
      setlId,
    ]);
    expect(rows.map((row: { copy: number }) => row.copy)).toEqual([1, 2]);
  });

  it('refuses a reviewer, and a server without the font, recording nothing', async () => {
    const before = await world.pool.query('select count(*)::int as n from settlement_prints');
    expect((await download(world, reviewer, setlId)).status).toBe(403);
    expect((await world.pool.query('select count(*)::int as n from settlement_prints')).rows).toEqual(before.rows);

    const fontlessClerk = await signIn(fontless, {
      username: 'clerk',
      display_name: '谯城经办张敏',
      role: 'operator',
      scope_admdvs: '341602',
    });
    const answer = await fontless.app.inject({
      method: 'GET',
      url: `/api/settlements/P002/${setlId}/sheet.pdf`,
      headers: { authorization: `Bearer ${fontlessClerk}` },
    });
    expect(answer.statusCode).toBe(503);
    expect(answer.json().message).toContain('中文字体');
  });
});
