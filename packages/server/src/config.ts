/** Configuration comes from the environment; every variable is documented in the README. */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** An external PostgreSQL; without it the platform starts its own under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** The built staff console served at `/`. */
  webDir: string;
  /** The CJK font settlement sheets are written with as PDF (unset: Debian's fonts-noto-cjk). */
  pdfFont?: string | undefined;
  embeddedPort: number;
  /**
   * Load the demo city (and its well-known credentials) into an empty database: only when asked for, with `--demo`
   * (what `npm start` does) or SANBAO_DEMO=1. A platform started without it has no demo user or institution.
   */
  demo: boolean;
  demoPersons: number;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  logLevel: string;
  /** How often the scheduler looks for due screening and feedback, and the webhook outbox for due deliveries. */
  jobsIntervalMs: number;
  webhooksIntervalMs: number;
  /** The ID key (64 hex digits) sealing and indexing ID numbers; unset: the embedded database's key file. */
  idKey?: string | undefined;
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export function readConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): Config {
  return {
    port: Number(env['PORT'] ?? 8080),
    host: env['HOST'] ?? '127.0.0.1',
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir: resolve(env['SANBAO_DATA_DIR'] ?? resolve(REPO, '.sanbao')),
    pdfFont: env['SANBAO_PDF_FONT'] || undefined,
    webDir: resolve(env['SANBAO_WEB_DIR'] ?? resolve(REPO, 'packages/web/dist')),
    embeddedPort: Number(env['SANBAO_PG_PORT'] ?? 54329),
    demo: argv.includes('--demo') ? env['SANBAO_DEMO'] !== '0' : env['SANBAO_DEMO'] === '1',
    demoPersons: Number(env['SANBAO_DEMO_PERSONS'] ?? 30000),
    bodyLimit: Number(env['SANBAO_BODY_LIMIT'] ?? 1_048_576),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    jobsIntervalMs: Number(env['SANBAO_JOBS_INTERVAL_S'] ?? 60) * 1000,
    webhooksIntervalMs: Number(env['SANBAO_WEBHOOKS_INTERVAL_S'] ?? 5) * 1000,
    idKey: env['SANBAO_ID_KEY'] || undefined,
  };
}
