/** Brings the platform up: the database (its own, or DATABASE_URL), migrations, the demo city, the HTTP server. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { createPool, type Pool } from './db/pool.js';
import { superviseEmbeddedPostgres } from './db/supervisor.js';
import { ROLE_NAMES } from './console/auth.js';
import { DEMO_USERS, seedDemo } from './demo/seed.js';
import { PolicyRegistry } from './policies.js';
import { loadIdentityKey, useIdentityKey } from './security/identity.js';
import { protectIdentities } from './security/protect.js';
import { startBackgroundWork } from './jobs/background.js';

export interface Platform {
  url: string;
  app: FastifyInstance;
  pool: Pool;
  embedded: EmbeddedDatabase | undefined;
  stop(): Promise<void>;
}

export async function startPlatform(config: Config, log: (line: string) => void): Promise<Platform> {
  // First: with an external database and no key, nothing is started.
  const identity = loadIdentityKey(config);
  useIdentityKey(identity.key);
  if (identity.source === 'generated')
    log(`身份证号码密钥已生成：${identity.file}（仅所有者可读；备份数据时须一并备份此密钥，并与数据分开保管）`);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, config.embeddedPort);
  const databaseUrl = config.databaseUrl ?? embedded?.url ?? '';
  if (embedded?.reused) log('内置 PostgreSQL 已在运行（上次未正常停止），直接使用');
  for (const line of embedded?.notices ?? []) log(line);
  log(
    embedded
      ? `数据库：内置 PostgreSQL，数据目录 ${embedded.dataDir}（端口 ${config.embeddedPort}）`
      : '数据库：DATABASE_URL 指定的 PostgreSQL',
  );
  const pool = createPool(databaseUrl, 40);
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) log(`数据库迁移：${applied.join('、')}`);
    // Before anything reads or writes a person: the key checked, rows from before 011 sealed.
    const converted = await protectIdentities(pool);
    if (converted.persons + converted.messages > 0)
      log(`身份证号码已改为加密存储：参保人员 ${converted.persons} 条，HIS 报文 ${converted.messages} 条`);
  } catch (error) {
    await pool.end();
    await embedded?.stop();
    throw error;
  }
  const policies = new PolicyRegistry();
  if (config.demo) {
    const started = Date.now();
    const demo = await seedDemo(pool, policies, config.demoPersons, new Date(), log);
    if (demo) {
      const example = demo[0];
      log(`演示数据已载入（${((Date.now() - started) / 1000).toFixed(1)} 秒）`);
      if (example)
        log(
          `演示机构凭证：HTTP Basic「机构编号:demo-机构编号」，例如 ${example.code}:${example.secret}（${example.name}）`,
        );
      log(
        `演示用户（POST /api/login）：${DEMO_USERS.map((user) => `${user.username}/${user.password}（${user.display_name}，${ROLE_NAMES[user.role]}）`).join('，')}`,
      );
    }
  }
  const app = await buildApp({
    pool,
    policies,
    bodyLimit: config.bodyLimit,
    logLevel: config.logLevel,
    webDir: config.webDir,
    pdfFont: config.pdfFont,
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const background = startBackgroundWork(
    pool,
    policies,
    { jobsMs: config.jobsIntervalMs, webhooksMs: config.webhooksIntervalMs },
    log,
  );
  // Restarts the platform's own PostgreSQL if it dies.
  const supervisor = embedded && superviseEmbeddedPostgres(embedded, log);
  log(
    `平台已启动：控制台 ${address}/  HIS 接口 ${address}/fsi/api/rsfComIfsService/callService  接口文档 ${address}/docs  健康检查 ${address}/healthz`,
  );
  return {
    url: address,
    app,
    pool,
    embedded,
    stop: async () => {
      // First: the server stopped below is not to be started again.
      await supervisor?.stop();
      await background.stop();
      await app.close();
      await pool.end();
      await embedded?.stop();
    },
  };
}
