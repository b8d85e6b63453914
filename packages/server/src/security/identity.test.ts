/**
 * ID numbers at rest: sealed with SM4 and found through an HMAC-SM3 index, never stored in clear — not in persons,
 * not in the HIS message log (a replay still answers the number the first reply gave), not in a ledger's bad rows or
 * the audit log; the key refused when it is missing or not the data's; rows from before converted at start.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskIdNumber } from '@sanbao/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLedger } from '../ledger/import.js';
import { startPlatform } from '../platform.js';
import { useTestIdentityKey, TEST_ID_KEY } from '../test-support/identity-key.js';
import { call, COUNTY, createWorld, envelope, idNumber, PEOPLE, type World } from '../test-support/world.js';
import {
  certnoIndex,
  ID_KEY_FILE,
  IdentityKey,
  IdentityKeyError,
  identityKey,
  loadIdentityKey,
  maskIdNumbers,
  openCertno,
  openIdNumbers,
  sealCertno,
  sealIdNumbersInJson,
  useIdentityKey,
} from './identity.js';
import { protectIdentities } from './protect.js';

let world: World;
const folder = mkdtempSync(join(tmpdir(), 'sanbao-identity-'));

beforeAll(async () => {
  world = await createWorld('identity');
});
afterAll(async () => {
  await world.close();
  rmSync(folder, { recursive: true, force: true });
});

const dibao = PEOPLE.dibao;
const ordinary = PEOPLE.ordinary;
/** Registered by the ledger import below. */
const NEWCOMER = { certno: idNumber('341602', '1948-08-08', '317'), name: '郑秋菊' };
/** Presented at the counter, registered nowhere. */
const STRANGER = idNumber('341602', '1999-09-09', '455');
/** A ledger row whose check digit is wrong. */
const MISTYPED = `${NEWCOMER.certno.slice(0, 17)}${NEWCOMER.certno.endsWith('1') ? '2' : '1'}`;

/** How many rows of each table of the database hold the text anywhere (every column, as JSON text). */
async function tablesHolding(text: string): Promise<Record<string, number>> {
  const { rows: tables } = await world.pool.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
  );
  const found: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const { rows } = await world.pool.query<{ n: number }>(
      `select count(*)::int as n from ${table} t where strpos(row_to_json(t)::text, $1) > 0`,
      [text],
    );
    if (rows[0]!.n > 0) found[table] = rows[0]!.n;
  }
  return found;
}

describe('sealing and the index', () => {
  it('two sealings of one number differ (random IV) and both open to it; the index is one per number', () => {
    const first = sealCertno(dibao.certno);
    const second = sealCertno(dibao.certno);
    expect(first).toMatch(/^v1:[0-9a-f]{32}:[0-9a-f]{36}:[0-9a-f]{32}$/);
    expect(second).not.toBe(first);
    expect(openCertno(first)).toBe(dibao.certno);
    expect(openCertno(second)).toBe(dibao.certno);
    expect(certnoIndex(dibao.certno)).toBe(certnoIndex(dibao.certno));
    expect(certnoIndex(dibao.certno)).not.toBe(certnoIndex(ordinary.certno));
    expect(certnoIndex('11010519491231002x')).toBe(certnoIndex('11010519491231002X'));
    expect(certnoIndex(dibao.certno)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is SM4-CTR tagged with the HMAC-SM3 index, under keys derived from the ID key with HMAC-SM3', () => {
    const master = Buffer.from(TEST_ID_KEY, 'hex');
    const derive = (label: string): Buffer => createHmac('sm3', master).update(`sanbao:${label}`).digest();
    const sm4 = derive('certno-sm4').subarray(0, 16);
    const indexOf = (text: string): string =>
      createHmac('sm3', derive('certno-index')).update(text.toUpperCase()).digest().subarray(0, 16).toString('hex');
    expect(certnoIndex(dibao.certno)).toBe(indexOf(dibao.certno));
    const [, iv, ciphertext, tag] = sealCertno(dibao.certno).split(':') as [string, string, string, string];
    expect(ciphertext).toBe(
      createCipheriv('sm4-ctr', sm4, Buffer.from(iv, 'hex')).update(dibao.certno, 'utf8').toString('hex'),
    );
    expect(tag).toBe(indexOf(dibao.certno));
    // Many at once (one key stream for all, as a ledger import seals them): each its own IV, each as OpenSSL seals it.
    const many = identityKey().protectMany([dibao.certno, '', `${ordinary.certno}${'证'.repeat(9)}`, ordinary.certno]);
    for (const [k, text] of [dibao.certno, '', `${ordinary.certno}${'证'.repeat(9)}`, ordinary.certno].entries()) {
      const [, ivK, ciphertextK, tagK] = many[k]!.sealed.split(':') as [string, string, string, string];
      expect(ciphertextK).toBe(
        createCipheriv('sm4-ctr', sm4, Buffer.from(ivK, 'hex')).update(text, 'utf8').toString('hex'),
      );
      expect([tagK, many[k]!.index]).toEqual([indexOf(text), indexOf(text)]);
      expect(openCertno(many[k]!.sealed)).toBe(text);
    }
    // A value OpenSSL's sm4-ctr sealed with a counter that wraps around (ff…ff, then 00…00) opens: the key stream is
    // the same across blocks and carries.
    const wrapping = Buffer.alloc(16, 0xff);
    const text = `${dibao.certno}|${ordinary.certno}|${'证'.repeat(20)}`;
    const sealed = createCipheriv('sm4-ctr', sm4, wrapping).update(text, 'utf8');
    expect(openCertno(`v1:${wrapping.toString('hex')}:${sealed.toString('hex')}:${indexOf(text)}`)).toBe(text);
  });

  it('another key, or a changed byte, fails to open (the tag) instead of returning another number', () => {
    const sealed = sealCertno(dibao.certno);
    const other = IdentityKey.fromHex('00'.repeat(32));
    expect(() => other.open(sealed)).toThrow(IdentityKeyError);
    expect(() => other.open(sealed)).toThrow('密钥不符');
    expect(other.index(dibao.certno)).not.toBe(certnoIndex(dibao.certno));
    const [version, iv, ciphertext, tag] = sealed.split(':') as [string, string, string, string];
    const flipped = `${ciphertext.slice(0, -1)}${ciphertext.endsWith('0') ? '1' : '0'}`;
    expect(() => openCertno([version, iv, flipped, tag].join(':'))).toThrow(IdentityKeyError);
    // Another number's tag (its index) on this ciphertext does not pass either.
    expect(() => openCertno([version, iv, ciphertext, certnoIndex(ordinary.certno)].join(':'))).toThrow('密钥不符');
    expect(() => openCertno('341602196005011238')).toThrow('格式不正确');
  });

  it('seals every ID number in a JSON document, leaves other identifiers alone, and opens them back exactly', () => {
    const lower = '11010519491231002x';
    const text = JSON.stringify({
      mdtrt_cert_no: dibao.certno,
      certno: lower,
      note: `查无此人：${ordinary.certno}。`,
      [dibao.certno]: 'a key too',
      mdtrt_id: 'M202606150000000001',
      inf_refmsgid: '341602202606151000000000000001',
      amount: 12345.67,
    });
    const sealed = sealIdNumbersInJson(text);
    expect(sealed).not.toContain(dibao.certno);
    expect(sealed).not.toContain(ordinary.certno);
    expect(sealed).not.toContain(lower);
    expect(sealed).toContain('M202606150000000001');
    expect(sealed).toContain('341602202606151000000000000001');
    expect(JSON.parse(sealed).mdtrt_cert_no).toMatch(/^sm4:v1:/);
    expect(sealIdNumbersInJson(sealed)).toBe(sealed);
    expect(openIdNumbers(sealed)).toBe(text);
    expect(JSON.parse(maskIdNumbers(sealed)).note).toBe(`查无此人：${maskIdNumber(ordinary.certno)}。`);
    // An ID number sent as a JSON number: still valid JSON, the digits sealed.
    const numeric = sealIdNumbersInJson('{"mdtrt_cert_no":341602196005011238,"cnt":1}');
    expect(numeric).not.toContain('3416021960050112');
    expect(JSON.parse(numeric)).toEqual({ mdtrt_cert_no: expect.stringMatching(/^sm4:v1:/), cnt: 1 });
  });
});

describe('the key', () => {
  it('is generated once into the embedded database’s folder, owner-only, and read from there after', () => {
    const dataDir = join(folder, 'data');
    const first = loadIdentityKey({ databaseUrl: undefined, dataDir });
    expect(first.source).toBe('generated');
    const file = join(dataDir, ID_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    chmodSync(file, 0o644);
    const again = loadIdentityKey({ databaseUrl: undefined, dataDir });
    expect(again.source).toBe('file');
    expect(again.key.fingerprint).toBe(first.key.fingerprint);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // SANBAO_ID_KEY wins over the file.
    expect(loadIdentityKey({ idKey: TEST_ID_KEY, databaseUrl: undefined, dataDir }).key.fingerprint).not.toBe(
      first.key.fingerprint,
    );
  });

  it('an external database without SANBAO_ID_KEY, or a malformed key, is refused before anything starts', async () => {
    const external = { databaseUrl: 'postgres://sanbao@127.0.0.1:1/none', dataDir: join(folder, 'unused') };
    expect(() => loadIdentityKey(external)).toThrow(IdentityKeyError);
    expect(() => loadIdentityKey(external)).toThrow('使用外部数据库（DATABASE_URL）时必须设置 SANBAO_ID_KEY');
    expect(() => loadIdentityKey({ ...external, idKey: 'abc' })).toThrow('应为 64 位十六进制字符');
    await expect(
      startPlatform(
        {
          port: 0,
          host: '127.0.0.1',
          databaseUrl: external.databaseUrl,
          dataDir: external.dataDir,
          webDir: external.dataDir,
          embeddedPort: 1,
          demo: false,
          demoPersons: 0,
          bodyLimit: 1_048_576,
          logLevel: 'silent',
          jobsIntervalMs: 60_000,
          webhooksIntervalMs: 5_000,
        },
        () => undefined,
      ),
    ).rejects.toThrow('必须设置 SANBAO_ID_KEY');
    // The platform failed before loading a key: the test key is still the one installed.
    expect(openCertno(sealCertno(dibao.certno))).toBe(dibao.certno);
  });

  it('a key that is not the one the database was protected with is refused at start', async () => {
    useIdentityKey(IdentityKey.fromHex('00'.repeat(32)));
    try {
      await expect(protectIdentities(world.pool)).rejects.toThrow('身份证号码密钥与数据库不符');
    } finally {
      useTestIdentityKey();
    }
    expect(await protectIdentities(world.pool)).toEqual({ persons: 0, messages: 0 });
  });
});

describe('after look-ups, a stay settled, a replay, a ledger and a refusal', () => {
  const lookup = (msgid: string): Promise<Awaited<ReturnType<typeof call>>> =>
    call(world, envelope('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: dibao.certno } }, { msgid }));

  it('1101 finds the person by ID number and answers it in full; a replayed msgid answers exactly the same', async () => {
    const msgid = `ID1101${process.pid}`;
    const first = await lookup(msgid);
    expect(first.infcode).toBe(0);
    expect(first.output['baseinfo']).toMatchObject({ psn_no: dibao.psnNo, certno: dibao.certno });
    const stored = await world.pool.query<{ request: string; reply: string }>(
      'select request::text as request, reply::text as reply from message_log where msgid = $1',
      [msgid],
    );
    expect(stored.rows[0]!.request).not.toContain(dibao.certno);
    expect(stored.rows[0]!.reply).not.toContain(dibao.certno);
    expect(stored.rows[0]!.reply).toContain('sm4:v1:');
    const replay = await lookup(msgid);
    expect(replay).toEqual(first);
    expect(replay.output['baseinfo'].certno).toBe(dibao.certno);
  });

  it('a stay is admitted by the ID card and settled; setlinfo carries the number', async () => {
    const admission = await call(
      world,
      envelope('2401', {
        mdtrtinfo: {
          psn_no: dibao.psnNo,
          insutype: '390',
          begntime: '2026-06-10 08:00:00',
          mdtrt_cert_type: '02',
          mdtrt_cert_no: dibao.certno,
          med_type: '21',
          ipt_no: 'ZY-ID-1',
        },
        diseinfo: [{ diag_code: 'I63.9' }],
      }),
    );
    expect(admission.infcode).toBe(0);
    const mdtrtId = admission.output['result'].mdtrt_id as string;
    const discharge = await call(
      world,
      envelope('2402', {
        dscginfo: { mdtrt_id: mdtrtId, psn_no: dibao.psnNo, insutype: '390', endtime: '2026-06-14 10:00:00' },
        diseinfo: [],
      }),
    );
    expect(discharge.infcode).toBe(0);
    const settled = await call(
      world,
      envelope('2304', {
        data: {
          psn_no: dibao.psnNo,
          mdtrt_id: mdtrtId,
          mdtrt_cert_type: '02',
          mdtrt_cert_no: dibao.certno,
          medfee_sumamt: 3000,
          fulamt_ownpay_amt: 100,
          overlmt_selfpay: 0,
          preselfpay_amt: 0,
          psn_setlway: '01',
          insutype: '390',
          acct_used_flag: '0',
          mid_setl_flag: '0',
        },
      }),
    );
    expect(settled.infcode).toBe(0);
    expect(settled.output['setlinfo']).toMatchObject({ psn_no: dibao.psnNo, certno: dibao.certno });
  });

  it('a ledger naming a registered person adds to that person, not a duplicate; its bad row keeps no number', async () => {
    const before = Number((await world.pool.query('select count(*) from persons')).rows[0].count);
    const header = '身份证号码,姓名,人员类别,认定日期,终止日期,行政区划代码,乡镇（街道）';
    const ledger = [
      header,
      `${ordinary.certno},${ordinary.name},低保对象,2026-05-01,,341602,古井镇`,
      `${NEWCOMER.certno},${NEWCOMER.name},特困人员,2026-05-01,,341602,古井镇`,
      `${MISTYPED},钱多多,特困人员,2026-05-01,,341602,古井镇`,
    ].join('\n');
    const result = await importLedger(world.pool, Buffer.from(`${ledger}\n`, 'utf8'), {
      department: 'civil_affairs',
      region: '341602',
      ledgerDate: '2026-06-15',
      mode: 'partial',
      fileName: 'ledger.csv',
      actor: 'test',
    });
    expect(result).toMatchObject({ status: 'imported', goodRows: 2, badRows: 1, personsCreated: 1 });
    expect(result.problems[0]!.cells[0]).toBe(maskIdNumber(MISTYPED));
    expect(Number((await world.pool.query('select count(*) from persons')).rows[0].count)).toBe(before + 1);
    const spells = await world.pool.query<{ psn_no: string; code: string }>(
      `select p.psn_no, c.code from person_categories c join persons p using (psn_no)
        where p.certno_index = any($1) and c.source_dept = 'civil_affairs' order by c.code`,
      [[certnoIndex(ordinary.certno), certnoIndex(NEWCOMER.certno)]],
    );
    expect(spells.rows).toEqual([
      { psn_no: expect.stringMatching(/^P341602L/), code: 'extreme_poverty' },
      { psn_no: ordinary.psnNo, code: 'subsistence_allowance' },
    ]);
    const created = await world.pool.query<{ certno: string | null; certno_sm4: string; gend: string; brdy: string }>(
      "select certno, certno_sm4, gend, to_char(brdy, 'YYYY-MM-DD') as brdy from persons where certno_index = $1",
      [certnoIndex(NEWCOMER.certno)],
    );
    expect(created.rows[0]).toMatchObject({ certno: null, gend: '1', brdy: '1948-08-08' });
    expect(openCertno(created.rows[0]!.certno_sm4)).toBe(NEWCOMER.certno);
  });

  it('a refusal naming an unknown number is audited with the number as a keyed hash', async () => {
    const answer = await call(world, envelope('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: STRANGER } }));
    expect(answer).toMatchObject({ infcode: -1, err_code: 'PERSON_NOT_FOUND' });
    const audited = await world.pool.query<{ detail: string }>(
      "select detail::text as detail from audit_log where outcome = 'PERSON_NOT_FOUND'",
    );
    const details = audited.rows.map((row) => row.detail).join();
    expect(details).toContain(`身份证号#${certnoIndex(STRANGER).slice(0, 12)}`);
    expect(details).not.toContain(maskIdNumber(STRANGER));
  });

  it('no table holds any of these ID numbers in clear', async () => {
    expect(Number((await world.pool.query('select count(*) from message_log')).rows[0].count)).toBeGreaterThan(3);
    for (const certno of [dibao.certno, ordinary.certno, NEWCOMER.certno, MISTYPED, STRANGER])
      expect({ certno, tables: await tablesHolding(certno) }).toEqual({ certno, tables: {} });
  });
});

describe('a database from before: clear ID numbers converted at start', () => {
  const OLD = { psnNo: 'OLD01', certno: idNumber('341602', '1950-02-02', '613'), name: '钱老汉' };
  const oldRequest = envelope(
    '1101',
    { data: { mdtrt_cert_type: '02', mdtrt_cert_no: OLD.certno } },
    { msgid: `OLDMSG${process.pid}` },
  );

  it('a person and a logged message holding the number in clear are sealed; look-ups and replays still work', async () => {
    // As migration 011 leaves an older database: its rows still clear, the check not yet validated.
    await world.pool.query('alter table persons drop constraint persons_certno_protected');
    await world.pool.query(
      "insert into persons (psn_no, certno, psn_name, gend, brdy, admdvs, township) values ($1, $2, $3, '1', '1950-02-02', '341602', '古井镇')",
      [OLD.psnNo, OLD.certno, OLD.name],
    );
    await world.pool.query(
      `alter table persons add constraint persons_certno_protected
         check (certno is null and certno_index is not null and certno_sm4 is not null) not valid`,
    );
    const oldReply = {
      infcode: 0,
      inf_refmsgid: '341602202606150000000000000001',
      refmsg_time: '2026-06-15 09:00:00',
      respond_time: '2026-06-15 09:00:00',
      err_msg: '',
      err_code: '',
      warn_msg: '',
      output: { baseinfo: { psn_no: OLD.psnNo, psn_cert_type: '01', certno: OLD.certno, psn_name: OLD.name } },
    };
    await world.pool.query(
      "insert into message_log (fixmedins_code, msgid, infno, psn_no, request, reply) values ($1, $2, '1101', $3, $4, $5)",
      [COUNTY.code, oldRequest['msgid'], OLD.psnNo, JSON.stringify(oldRequest), JSON.stringify(oldReply)],
    );
    expect(await tablesHolding(OLD.certno)).toEqual({ message_log: 1, persons: 1 });

    expect(await protectIdentities(world.pool)).toEqual({ persons: 1, messages: 1 });
    expect(await tablesHolding(OLD.certno)).toEqual({});
    const { rows } = await world.pool.query<{ certno: string | null; certno_index: string; certno_sm4: string }>(
      'select certno, certno_index, certno_sm4 from persons where psn_no = $1',
      [OLD.psnNo],
    );
    expect(rows[0]).toMatchObject({ certno: null, certno_index: certnoIndex(OLD.certno) });
    expect(openCertno(rows[0]!.certno_sm4)).toBe(OLD.certno);
    const check = await world.pool.query<{ convalidated: boolean }>(
      "select convalidated from pg_constraint where conname = 'persons_certno_protected'",
    );
    expect(check.rows[0]!.convalidated).toBe(true);
    // Nothing is left to convert; a clear number can no longer be written.
    expect(await protectIdentities(world.pool)).toEqual({ persons: 0, messages: 0 });
    await expect(
      world.pool.query(
        "insert into persons (psn_no, certno, psn_name, gend, brdy, admdvs) values ('OLD02', $1, '孙', '1', '1950-02-02', '341602')",
        [idNumber('341602', '1950-02-02', '631')],
      ),
    ).rejects.toThrow('persons_certno_protected');

    // Found by 1101 through the index; the message logged before replays its reply as it was sent.
    const found = await call(world, envelope('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: OLD.certno } }));
    expect(found.output['baseinfo']).toMatchObject({ psn_no: OLD.psnNo, certno: OLD.certno });
    const replay = await call(world, oldRequest);
    expect(replay).toEqual({ status: 200, ...oldReply });
  });
});
