/**
 * A small test world in a fresh database of its own: Bozhou's policy, two institutions, a few persons with
 * categories and enrollments, and the app with a fixed clock (2026-06-15 10:00 in China).
 */
import { checkDigit } from '@sanbao/core';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../app.js';
import { createUser, type User } from '../console/auth.js';
import { createPool, type Pool } from '../db/pool.js';
import { sealSecret } from '../his/credentials.js';
import { PolicyRegistry } from '../policies.js';
import { openCertno } from '../security/identity.js';
import { insertPersons } from '../persons/repository.js';
import { useTestIdentityKey } from './identity-key.js';

// Every test file that makes a world seals and indexes ID numbers with the test key, as its template database does.
useTestIdentityKey();

export const NOW = new Date('2026-06-15T02:00:00Z');
export const TODAY = '2026-06-15';

export const COUNTY = { code: 'H34160200001', secret: 'county-secret' };
export const TOWNSHIP = { code: 'H34160210001', secret: 'township-secret' };

export function idNumber(region: string, birth: string, sequence: string): string {
  const first17 = `${region}${birth.replaceAll('-', '')}${sequence}`;
  return first17 + checkDigit(first17);
}

export const PEOPLE = {
  /** 低保对象, insured 2026. */
  dibao: { psnNo: 'P001', certno: idNumber('341602', '1960-05-01', '123'), name: '王秀英' },
  /** Ordinary resident, insured 2026. */
  ordinary: { psnNo: 'P002', certno: idNumber('341602', '1975-09-09', '456'), name: '李建国' },
  /** Insured 2025 only: not covered now. */
  lapsed: { psnNo: 'P003', certno: idNumber('341602', '1980-01-01', '789'), name: '张伟' },
} as const;

export interface World {
  pool: Pool;
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

let counter = 0;

/** A database of its own from the migrated template, with the Bozhou test world unless `empty`, and the API on it. */
export async function createWorld(
  name: string,
  options: { empty?: boolean; webDir?: string; pdfFont?: string } = {},
): Promise<World> {
  const database = `t_${name}_${process.pid}_${++counter}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  // Only the superuser creates databases; the clone is the platform role's, as the template is.
  const admin = new pg.Client({ connectionString: inject('adminUrl') });
  await admin.connect();
  await admin.query(`create database ${database} owner ${inject('appRole')} template sanbao`);
  await admin.end();
  const url = inject('databaseUrlPattern').replace('{database}', database);
  const pool = createPool(url, 30);
  if (!options.empty) await seedWorld(pool);
  const app = await buildApp({
    pool,
    policies: new PolicyRegistry(),
    bodyLimit: 200_000,
    logLevel: 'silent',
    clock: () => NOW,
    ...(options.webDir ? { webDir: options.webDir } : {}),
    ...(options.pdfFont ? { pdfFont: options.pdfFont } : {}),
  });
  return {
    pool,
    app,
    url,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}

export async function seedWorld(pool: Pool): Promise<void> {
  await pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('341600', '亳州市', null, 'anhui/bozhou'), ('341602', '谯城区', '341600', 'anhui/bozhou')",
  );
  await pool.query(
    "insert into institutions (fixmedins_code, name, level, admdvs, secret_hmac_sm3) values ($1, '谯城区人民医院', 'county', '341602', $2), ($3, '古井镇卫生院', 'township', '341602', $4)",
    [COUNTY.code, sealSecret(COUNTY.secret), TOWNSHIP.code, sealSecret(TOWNSHIP.secret)],
  );
  await insertPersons(
    pool,
    Object.values(PEOPLE).map((person) => ({ ...person, admdvs: '341602', township: '古井镇' })),
  );
  await pool.query(
    "insert into person_categories (psn_no, code, begin_date, source_dept) values ('P001', 'subsistence_allowance', '2025-03-01', '民政')",
  );
  await pool.query(
    "insert into enrollments (psn_no, year, begin_date, end_date) values ('P001', 2026, '2026-01-01', '2026-12-31'), ('P002', 2026, '2026-01-01', '2026-12-31'), ('P003', 2025, '2025-01-01', '2025-12-31')",
  );
}

let sequence = 0;

/** An envelope as a HIS sends it. */
export function envelope(
  infno: string,
  input: Record<string, unknown>,
  options: { msgid?: string; institution?: string } = {},
): Record<string, unknown> {
  const institution = options.institution ?? COUNTY.code;
  sequence += 1;
  return {
    infno,
    msgid:
      options.msgid ??
      `${institution}20260615100000${String(sequence).padStart(4, '0')}${process.pid % 100}`.slice(0, 30),
    mdtrtarea_admvs: '341600',
    insuplc_admdvs: '341600',
    recer_sys_code: 'YBXT',
    infver: 'V1.0',
    opter_type: '1',
    opter: '001',
    opter_name: '收费员',
    inf_time: '2026-06-15 10:00:00',
    fixmedins_code: institution,
    fixmedins_name: '测试医院',
    input,
  };
}

export function basic(institution: { code: string; secret: string }): string {
  return `Basic ${Buffer.from(`${institution.code}:${institution.secret}`).toString('base64')}`;
}

export interface Answer {
  status: number;
  infcode: number;
  err_code: string;
  err_msg: string;
  output: Record<string, any>;
}

/** Calls the HIS endpoint in-process and returns the reply. */
export async function call(
  world: World,
  body: Record<string, unknown> | string,
  institution: { code: string; secret: string } = COUNTY,
): Promise<Answer> {
  const response = await world.app.inject({
    method: 'POST',
    url: '/fsi/api/rsfComIfsService/callService',
    headers: { authorization: basic(institution), 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const reply = response.json<Omit<Answer, 'status'>>();
  return { status: response.statusCode, ...reply };
}

/** Row counts of every business table: a refusal must leave them all as they were. */
export async function counts(pool: Pool): Promise<Record<string, number>> {
  const tables = [
    'persons',
    'person_categories',
    'enrollments',
    'encounters',
    'fee_lines',
    'person_years',
    'settlements',
    'fund_postings',
    'message_log',
  ];
  const result: Record<string, number> = {};
  for (const table of tables) result[table] = Number((await pool.query(`select count(*) from ${table}`)).rows[0].count);
  return result;
}

/** The ID number a person presents at the counter (their voucher, type 02): opened from the register. */
export async function certnoOf(world: World, psnNo: string): Promise<string> {
  const { rows } = await world.pool.query<{ certno_sm4: string }>('select certno_sm4 from persons where psn_no = $1', [
    psnNo,
  ]);
  return rows[0] ? openCertno(rows[0].certno_sm4) : '';
}

/** 2201: registers an outpatient visit and returns its mdtrt_id. */
export async function registerVisit(
  world: World,
  psnNo: string,
  options: { institution?: { code: string; secret: string }; begntime?: string; number?: string } = {},
): Promise<string> {
  const institution = options.institution ?? COUNTY;
  const data = {
    psn_no: psnNo,
    insutype: '390',
    begntime: options.begntime ?? '2026-06-15 08:00:00',
    mdtrt_cert_type: '02',
    mdtrt_cert_no: await certnoOf(world, psnNo),
    ipt_otp_no: options.number ?? 'MZ1',
  };
  const registration = await call(world, envelope('2201', { data }, { institution: institution.code }), institution);
  if (registration.infcode !== 0) throw new Error(registration.err_msg);
  return registration.output['data'].mdtrt_id as string;
}

/** A console user created and signed in (password `<username>-password`); returns the bearer token. */
export async function signIn(world: World, user: User): Promise<string> {
  await createUser(world.pool, user, `${user.username}-password`);
  const response = await world.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { username: user.username, password: `${user.username}-password` },
  });
  return response.json<{ token: string }>().token;
}

/**
 * Guanxian (冠县: the 蓝黄红 warning of 冠县《防止返贫致贫“蓝黄红”预警机制实施方案》) beside Bozhou: its region, a
 * county hospital, and persons insured for 2026.
 */
export const GUANXIAN = { code: 'H37152500001', secret: 'guanxian-secret' };

export async function seedGuanxian(
  world: World,
  persons: { psnNo: string; certno: string; name: string; township: string; category?: string }[],
): Promise<void> {
  await world.pool.query(
    "insert into regions (admdvs, name, parent, policy_id) values ('371500', '聊城市', null, 'shandong/liaocheng'), ('371525', '冠县', '371500', 'shandong/liaocheng/guanxian')",
  );
  await world.pool.query(
    "insert into institutions (fixmedins_code, name, level, admdvs, secret_hmac_sm3) values ($1, '冠县人民医院', 'county', '371525', $2)",
    [GUANXIAN.code, sealSecret(GUANXIAN.secret)],
  );
  await insertPersons(
    world.pool,
    persons.map((person) => ({ ...person, admdvs: '371525' })),
  );
  for (const person of persons) {
    await world.pool.query(
      "insert into enrollments (psn_no, year, begin_date, end_date) values ($1, 2026, '2026-01-01', '2026-12-31')",
      [person.psnNo],
    );
    if (person.category)
      await world.pool.query(
        "insert into person_categories (psn_no, code, begin_date, source_dept) values ($1, $2, '2025-01-01', 'rural_revitalization')",
        [person.psnNo, person.category],
      );
  }
}

/** A console API caller for one signed-in user: status and JSON (or the raw bytes of a file). */
export function consoleApi(
  world: World,
  token: string,
): (method: 'GET' | 'POST', url: string, body?: unknown) => Promise<{ status: number; json: any }> {
  return async (method, url, body) => {
    const response = await world.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return {
      status: response.statusCode,
      json: String(response.headers['content-type']).includes('json') ? response.json() : response.rawPayload,
    };
  };
}
