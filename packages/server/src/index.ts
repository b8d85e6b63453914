export { buildApp, type AppOptions } from './app.js';
export { readConfig, type Config } from './config.js';
export { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
export { migrate } from './db/migrate.js';
export { createPool, inTransaction, type Pool } from './db/pool.js';
export { seedDemo } from './demo/seed.js';
export { demoSecret } from './demo/his.js';
export { callService, TRANSACTIONS } from './his/endpoint.js';
export { hashSecret } from './his/credentials.js';
export { PolicyRegistry } from './policies.js';
export { startPlatform, type Platform } from './platform.js';
export { freePort } from './net.js';
export { importLedger, type ImportRequest, type ImportResult } from './ledger/import.js';
export { formatOf } from './ledger/read.js';
export { errorReportXlsx, templateCsv, templateXlsx } from './ledger/workbooks.js';
export { screen, type ScreeningSummary } from './warnings/screening.js';
export { runDueJobs } from './jobs/scheduler.js';
export { audit } from './audit.js';
export { chinaDate } from './time.js';
export {
  certnoIndex,
  IdentityKey,
  IdentityKeyError,
  loadIdentityKey,
  maskedCertno,
  openCertno,
  sealCertno,
  useIdentityKey,
} from './security/identity.js';
export { protectIdentities } from './security/protect.js';
export { insertPersons, type NewPerson } from './persons/repository.js';
