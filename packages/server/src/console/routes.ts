/**
 * The console's JSON API (/api): bureau staff log in, look people and settlements up within their region, and
 * (operators) register persons and category spells. ID numbers are masked in every answer.
 */
import {
  CATEGORY_CODES,
  CATEGORY_NAMES,
  DEPARTMENT_CODES,
  DEPARTMENTS,
  departmentName,
  expandTrace,
  ID_PROBLEMS,
  maskIdNumber,
  parseIdNumber,
  processInfo,
  traceToJson,
  type CategoryCode,
  type Department,
  type NationalSetldetail,
  type StoredTrace,
} from '@sanbao/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { audit } from '../audit.js';
import { inTransaction, type Pool } from '../db/pool.js';
import { chinaDate } from '../time.js';
import { certnoIndex, maskedCertno, sealCertno } from '../security/identity.js';
import { authSettings } from '../security/ratelimit.js';
import {
  authenticate,
  changePassword,
  createUser,
  login,
  logout,
  requireRole,
  requireStrongPassword,
  ROLE_NAMES,
  SESSION_HOURS,
  updateUser,
  type Role,
  type User,
} from './auth.js';
import { ApiError } from './errors.js';
import { isoDate, paging, parse, region } from './parse.js';
import { inScope, personInScope, personScopeValues, requirePersonInScope, requireRegionInScope } from './scope.js';

const page = z.object(paging(200));

/** A category spell's dates stay within this span: a 1900 or 9999 date is a typing error, not a certification. */
const SPELL_EARLIEST = '1990-01-01';
const SPELL_LATEST = '2100-12-31';

function ownerOf(code: CategoryCode): Department {
  return DEPARTMENT_CODES.find((department) =>
    (DEPARTMENTS[department].categories as readonly CategoryCode[]).includes(code),
  ) as Department;
}

export function registerConsoleRoutes(app: FastifyInstance, pool: Pool): void {
  const user = (request: FastifyRequest): Promise<User> => authenticate(pool, request);
  const tags = ['管理接口'];
  const security = [{ console: [] }];

  app.post(
    '/api/login',
    {
      schema: {
        tags,
        summary: `登录，取得令牌（${SESSION_HOURS} 小时有效）`,
        description: `同一用户名连续 ${authSettings.loginFailures} 次密码错误锁定 ${authSettings.loginLockMs / 60_000} 分钟（423 ACCOUNT_LOCKED）；同一地址每分钟最多尝试 ${authSettings.loginPerAddress} 次（429 RATE_LIMITED）；同时校验的登录过多时 429 LOGIN_BUSY。`,
        body: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string' } } },
      },
      attachValidation: true,
    },
    async (request) => {
      const body = parse(
        z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
        request.body,
        'body',
      );
      const session = await login(pool, body.username, body.password, request.ip);
      return {
        token: session.token,
        expires_at: session.expiresAt.toISOString(),
        user: { ...session.user, role_name: ROLE_NAMES[session.user.role] },
      };
    },
  );

  app.post('/api/logout', { schema: { tags, summary: '退出登录（令牌随即失效）', security } }, async (request) => {
    const me = await logout(pool, request);
    await audit(pool, `user:${me.username}`, 'logout', {});
    return { message: '已退出登录' };
  });

  app.get('/api/me', { schema: { tags, summary: '当前用户', security } }, async (request) => {
    const me = await user(request);
    return { ...me, role_name: ROLE_NAMES[me.role] };
  });

  app.post(
    '/api/me/password',
    {
      schema: {
        tags,
        summary: '修改本人密码（须原密码；其他登录随即失效）',
        security,
        body: {
          type: 'object',
          properties: { old_password: { type: 'string' }, new_password: { type: 'string' } },
        },
      },
      attachValidation: true,
    },
    async (request) => {
      const body = parse(
        z.object({ old_password: z.string().min(1).max(1024), new_password: z.string().min(1).max(1024) }).strict(),
        request.body,
        'body',
      );
      const me = await changePassword(pool, request, body.old_password, body.new_password);
      await audit(pool, `user:${me.username}`, 'user.password', { username: me.username });
      return { message: '密码已修改，其他登录已失效' };
    },
  );

  app.get('/api/institutions', { schema: { tags, summary: '定点医疗机构（含位置）', security } }, async (request) => {
    const me = await user(request);
    const { rows } = await pool.query(
      `select fixmedins_code, name, level, admdvs, lat, lon, active from institutions i where ${inScope('i.admdvs', 1)} order by fixmedins_code`,
      [me.scope_admdvs],
    );
    return { items: rows };
  });

  app.get('/api/persons', { schema: { tags, summary: '参保人员查询（身份证号脱敏）', security } }, async (request) => {
    const me = await user(request);
    const query = parse(page.extend({ q: z.string().max(50).optional() }), request.query, 'query');
    const search = query.q ? `%${query.q}%` : null;
    // An ID number is found through its index: the number itself is not stored.
    const byIndex = query.q && /^\d{17}[\dXx]$/.test(query.q) ? certnoIndex(query.q.toUpperCase()) : null;
    const where = `${personInScope(1)} and ($3::text is null or p.psn_name like $3 or p.psn_no = $4 or p.certno_index = $5)`;
    const params = [...personScopeValues(me), search, query.q ?? null, byIndex];
    const total = await pool.query<{ n: number }>(`select count(*)::int as n from persons p where ${where}`, params);
    const { rows } = await pool.query<{
      psn_no: string;
      psn_name: string;
      certno: string;
      gend: string;
      brdy: string;
      admdvs: string;
      township: string;
      categories: string[] | null;
    }>(
      `select p.psn_no, p.psn_name, p.certno_sm4 as certno, p.gend, p.brdy, p.admdvs, p.township,
              (select array_agg(c.code order by c.begin_date) from person_categories c where c.psn_no = p.psn_no and (c.end_date is null or c.end_date >= current_date)) as categories
         from persons p where ${where} order by p.psn_no limit $6 offset $7`,
      [...params, query.size, (query.page - 1) * query.size],
    );
    return {
      total: total.rows[0]?.n ?? 0,
      page: query.page,
      items: rows.map((row) => ({
        ...row,
        certno: maskedCertno(row.certno),
        categories: (row.categories ?? []).map((code) => ({
          code,
          name: CATEGORY_NAMES[code as keyof typeof CATEGORY_NAMES],
        })),
      })),
    };
  });

  app.get(
    '/api/persons/:psnNo',
    { schema: { tags, summary: '人员详情：类别、参保、年度累计、结算', security } },
    async (request) => {
      const me = await user(request);
      const { psnNo } = request.params as { psnNo: string };
      const person = await pool.query(
        `select psn_no, psn_name, certno_sm4 as certno, gend, brdy, admdvs, township, supplementary from persons p where p.psn_no = $3 and ${personInScope(1)}`,
        [...personScopeValues(me), psnNo],
      );
      const row = person.rows[0] as { certno: string } | undefined;
      if (!row) throw new ApiError('NOT_FOUND', `查无人员 ${psnNo}（或不在您的管辖范围）`);
      const [categories, enrollments, years, settlements] = await Promise.all([
        pool.query(
          'select spell_id, code, begin_date, end_date, source_dept from person_categories where psn_no = $1 order by begin_date, spell_id',
          [psnNo],
        ),
        pool.query(
          'select year, insutype, begin_date, end_date, contribution, subsidy, subsidy_category from enrollments where psn_no = $1 order by year desc',
          [psnNo],
        ),
        pool.query(
          'select year, personal_burden, in_scope_burden, fund_paid, settlements, ytd from person_years where psn_no = $1 order by year desc',
          [psnNo],
        ),
        pool.query(
          `select setl_id, kind, reverses, reversed_by, mdtrt_id, fixmedins_code, setl_time, med_type, category, medfee_sumamt, hifp_pay, hifmi_pay, maf_pay, oth_pay, fund_pay_sumamt, psn_part_amt
           from settlements where psn_no = $1 order by setl_id desc limit 100`,
          [psnNo],
        ),
      ]);
      return {
        ...row,
        certno: maskedCertno(row.certno),
        categories: categories.rows.map((spell: { code: keyof typeof CATEGORY_NAMES }) => ({
          ...spell,
          name: CATEGORY_NAMES[spell.code],
        })),
        enrollments: enrollments.rows,
        years: years.rows,
        settlements: settlements.rows,
      };
    },
  );

  app.post(
    '/api/persons',
    { schema: { tags, summary: '登记参保人员（经办人员）', security } },
    async (request, reply) => {
      const me = await user(request);
      requireRole(me, 'operator');
      const body = parse(
        z
          .object({
            certno: z.string(),
            psn_name: z.string().min(1).max(50),
            admdvs: region,
            township: z.string().max(50).default(''),
          })
          .strict(),
        request.body,
        'body',
      );
      const id = parseIdNumber(body.certno);
      if (!id.ok) {
        const { code, message } = ID_PROBLEMS[id.problem];
        throw new ApiError(code, `body.certno：${message}`);
      }
      await requireRegionInScope(pool, me, body.admdvs);
      const certno = body.certno.toUpperCase();
      const psnNo = `P${body.admdvs}${Date.now().toString().slice(-8)}${Math.floor(Math.random() * 10)}`;
      const inserted = await pool.query(
        'insert into persons (psn_no, certno_index, certno_sm4, psn_name, gend, brdy, admdvs, township) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (certno_index) do nothing returning psn_no',
        [
          psnNo,
          certnoIndex(certno),
          sealCertno(certno),
          body.psn_name,
          id.info.gender,
          id.info.birthDate,
          body.admdvs,
          body.township,
        ],
      );
      if (!inserted.rowCount) throw new ApiError('DUPLICATE', '该身份证号码已登记');
      // Not even the masked number: beside the birth date it read from it, it would be the whole number again.
      await audit(pool, `user:${me.username}`, 'person.create', { psn_no: psnNo, admdvs: body.admdvs });
      return reply
        .status(201)
        .send({ psn_no: psnNo, certno: maskIdNumber(certno), gend: id.info.gender, brdy: id.info.birthDate });
    },
  );

  app.post(
    '/api/persons/:psnNo/categories',
    { schema: { tags, summary: '登记人员身份类别（认定部门的经办人员）', security } },
    async (request, reply) => {
      const me = await user(request);
      requireRole(me, 'operator');
      const { psnNo } = request.params as { psnNo: string };
      const body = parse(
        z
          .object({
            code: z.enum(CATEGORY_CODES as [string, ...string[]]),
            begin: isoDate.refine((date) => date >= SPELL_EARLIEST, { message: `开始日期不能早于 ${SPELL_EARLIEST}` }),
            end: isoDate
              .refine((date) => date <= SPELL_LATEST, { message: `结束日期不能晚于 ${SPELL_LATEST}` })
              .nullable()
              .default(null),
            // The department is the user's: a body naming another is refused, not believed.
            source_dept: z.string().max(50).optional(),
          })
          .strict()
          .refine((spell) => spell.end === null || spell.end >= spell.begin, {
            message: '结束日期早于开始日期',
            path: ['end'],
          }),
        request.body,
        'body',
      );
      await requirePersonInScope(pool, me, psnNo);
      // Categories are certified by the department that owns them; the bureau's own users certify the bureau's.
      if (me.township) throw new ApiError('FORBIDDEN', '乡镇（街道）用户不能认定人员类别');
      const department: Department = (me.department as Department | null | undefined) ?? 'medical_security';
      const code = body.code as CategoryCode;
      if (!(DEPARTMENTS[department].categories as readonly CategoryCode[]).includes(code))
        throw new ApiError(
          'FORBIDDEN',
          `「${CATEGORY_NAMES[code]}」由${departmentName(ownerOf(code))}认定，${departmentName(department)}的用户不能登记`,
        );
      if (body.source_dept !== undefined && body.source_dept !== department)
        throw new ApiError('FORBIDDEN', `认定部门取自登录用户（${departmentName(department)}），不能代其他部门登记`);
      if (body.begin > chinaDate(new Date(Date.now() + 366 * 86_400_000)))
        throw new ApiError('DATE_ORDER', `开始日期 ${body.begin} 晚于一年以后`);
      const spell = await inTransaction(pool, async (client) => {
        // One writer per person at a time, so that two overlapping registrations cannot both pass the check.
        await client.query('select 1 from persons where psn_no = $1 for update', [psnNo]);
        const overlapping = await client.query<{ begin_date: string; end_date: string | null }>(
          `select begin_date, end_date from person_categories
            where psn_no = $1 and code = $2 and begin_date <= coalesce($4::date, 'infinity') and coalesce(end_date, 'infinity') >= $3::date
            limit 1`,
          [psnNo, code, body.begin, body.end],
        );
        const existing = overlapping.rows[0];
        if (existing)
          throw new ApiError(
            'DUPLICATE',
            `该人员已有「${CATEGORY_NAMES[code]}」${existing.begin_date} 至 ${existing.end_date ?? '今'}，与所登记的时段重叠`,
          );
        const { rows } = await client.query<{ spell_id: number }>(
          'insert into person_categories (psn_no, code, begin_date, end_date, source_dept) values ($1, $2, $3, $4, $5) returning spell_id',
          [psnNo, code, body.begin, body.end, department],
        );
        return rows[0];
      });
      const recorded = { code, begin: body.begin, end: body.end, source_dept: department };
      await audit(pool, `user:${me.username}`, 'category.add', { psn_no: psnNo, ...recorded });
      return reply.status(201).send({ spell_id: spell?.spell_id, ...recorded, name: CATEGORY_NAMES[code] });
    },
  );

  app.get('/api/settlements', { schema: { tags, summary: '结算查询（身份证号脱敏）', security } }, async (request) => {
    const me = await user(request);
    const query = parse(
      page.extend({
        psn_no: z.string().optional(),
        fixmedins_code: z.string().optional(),
        from: isoDate.optional(),
        to: isoDate.optional(),
      }),
      request.query,
      'query',
    );
    const where = `${personInScope(1)} and ($3::text is null or s.psn_no = $3) and ($4::text is null or s.fixmedins_code = $4)
      and ($5::date is null or s.setl_time >= $5::date) and ($6::date is null or s.setl_time < $6::date + 1)`;
    const params = [
      ...personScopeValues(me),
      query.psn_no ?? null,
      query.fixmedins_code ?? null,
      query.from ?? null,
      query.to ?? null,
    ];
    const { rows } = await pool.query<{ certno: string }>(
      `select s.setl_id, s.kind, s.psn_no, p.psn_name, p.certno_sm4 as certno, s.mdtrt_id, s.fixmedins_code, s.setl_time, s.med_type, s.category,
              s.medfee_sumamt, s.hifp_pay, s.hifmi_pay, s.maf_pay, s.oth_pay, s.fund_pay_sumamt, s.psn_part_amt
         from settlements s join persons p using (psn_no) where ${where} order by s.setl_id desc limit $7 offset $8`,
      [...params, query.size, (query.page - 1) * query.size],
    );
    return { page: query.page, items: rows.map((row) => ({ ...row, certno: maskedCertno(row.certno) })) };
  });

  app.get(
    '/api/settlements/:psnNo/:setlId',
    { schema: { tags, summary: '结算详情与结算过程（trace）', security } },
    async (request) => {
      const me = await user(request);
      const { psnNo, setlId } = request.params as { psnNo: string; setlId: string };
      const { rows } = await pool.query<{ certno: string; trace: StoredTrace; setldetail: NationalSetldetail[] }>(
        `select s.*, p.psn_name, p.certno_sm4 as certno from settlements s join persons p using (psn_no) where s.psn_no = $3 and s.setl_id = $4 and ${personInScope(1)}`,
        [...personScopeValues(me), psnNo, setlId],
      );
      const row = rows[0];
      if (!row) throw new ApiError('NOT_FOUND', `查无结算 ${setlId}（或不在您的管辖范围）`);
      // Stored compactly; the explanation is rendered here, as the HIS received it.
      const trace = expandTrace(row.trace);
      return {
        ...row,
        certno: maskedCertno(row.certno),
        setldetail: row.setldetail.map((detail) => ({
          ...detail,
          setl_proc_info: processInfo(trace, detail.fund_pay_type),
        })),
        trace: traceToJson(trace),
      };
    },
  );

  /** Managing users: an administrator not limited to a township or a department. */
  const administrator = async (request: FastifyRequest): Promise<User> => {
    const me = await user(request);
    requireRole(me, 'administrator');
    if (me.township || me.department) throw new ApiError('FORBIDDEN', '乡镇或部门用户不能管理用户');
    return me;
  };

  app.post('/api/users', { schema: { tags, summary: '创建用户（管理员）', security } }, async (request, reply) => {
    const me = await administrator(request);
    const body = parse(
      z
        .object({
          username: z.string().regex(/^[a-z0-9_.-]{3,32}$/, { message: '用户名为 3–32 位小写字母、数字或 _ . -' }),
          display_name: z.string().min(1).max(50),
          role: z.enum(['administrator', 'operator', 'reviewer', 'read_only']),
          scope_admdvs: z
            .string()
            .regex(/^\d{6}$/)
            .nullable(),
          township: z.string().min(1).max(40).nullable().default(null),
          department: z.enum(DEPARTMENT_CODES).nullable().default(null),
          password: z.string().min(8, { message: '密码至少 8 位' }),
        })
        .strict(),
      request.body,
      'body',
    );
    requireStrongPassword(body.password, body);
    if (me.scope_admdvs !== null) {
      const allowed = await pool.query(`select 1 from regions r where r.admdvs = $2 and ${inScope('r.admdvs', 1)}`, [
        me.scope_admdvs,
        body.scope_admdvs,
      ]);
      if (body.scope_admdvs === null || !allowed.rowCount)
        throw new ApiError('OUT_OF_SCOPE', '不能创建超出自己管辖范围的用户');
    }
    if (body.township !== null && body.scope_admdvs === null)
      throw new ApiError('SCHEMA', 'body.township：乡镇用户须同时指定所属县（scope_admdvs）');
    const exists = await pool.query('select 1 from users where username = $1', [body.username]);
    if (exists.rowCount) throw new ApiError('DUPLICATE', `用户名 ${body.username} 已存在`);
    await createUser(
      pool,
      {
        username: body.username,
        display_name: body.display_name,
        role: body.role,
        scope_admdvs: body.scope_admdvs,
        township: body.township,
        department: body.department,
      },
      body.password,
    );
    await audit(pool, `user:${me.username}`, 'user.create', {
      username: body.username,
      role: body.role,
      scope_admdvs: body.scope_admdvs,
      township: body.township,
      department: body.department,
    });
    return reply.status(201).send({
      username: body.username,
      role: body.role,
      role_name: ROLE_NAMES[body.role],
      scope_admdvs: body.scope_admdvs,
      township: body.township,
      department: body.department,
    });
  });

  app.patch(
    '/api/users/:username',
    {
      schema: {
        tags,
        summary: '启用、停用用户或重置密码（管理员，限管辖范围）；停用与重置密码使该用户的登录全部失效',
        security,
        body: { type: 'object', properties: { active: { type: 'boolean' }, password: { type: 'string' } } },
      },
      attachValidation: true,
    },
    async (request) => {
      const me = await administrator(request);
      const { username } = request.params as { username: string };
      const body = parse(
        z
          .object({ active: z.boolean().optional(), password: z.string().max(1024).optional() })
          .strict()
          .refine((change) => change.active !== undefined || change.password !== undefined, {
            message: '须提供 active 或 password',
          }),
        request.body ?? {},
        'body',
      );
      const { rows } = await pool.query<{ username: string; role: Role; scope_admdvs: string | null; active: boolean }>(
        `select u.username, u.role, u.scope_admdvs, u.active from users u
          where u.username = $2 and ($1::text is null or (u.scope_admdvs is not null and ${inScope('u.scope_admdvs', 1)}))`,
        [me.scope_admdvs, username],
      );
      const target = rows[0];
      if (!target) throw new ApiError('NOT_FOUND', `查无用户 ${username}（或不在您的管辖范围）`);
      if (body.active === false && target.username === me.username)
        throw new ApiError('SELF_DEACTIVATION', '不能停用自己的账户');
      if (body.password !== undefined) requireStrongPassword(body.password, target);
      await updateUser(pool, target.username, body);
      await audit(pool, `user:${me.username}`, 'user.update', {
        username: target.username,
        ...(body.active === undefined ? {} : { active: body.active }),
        ...(body.password === undefined ? {} : { password_reset: true }),
      });
      return {
        username: target.username,
        role: target.role,
        role_name: ROLE_NAMES[target.role],
        scope_admdvs: target.scope_admdvs,
        active: body.active ?? target.active,
      };
    },
  );
}
