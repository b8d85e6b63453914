export { buildApp, type AppOptions } from './app.js';
export { readConfig, type Config } from './config.js';
export { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
export { migrate } from './db/migrate.js';
export { createPool, inTransaction, type Pool } from './db/pool.js';
export { seedDemo, demoSecret } from './demo/seed.js';
export { callService, hashSecret, TRANSACTIONS } from './his/endpoint.js';
export { PolicyRegistry } from './policies.js';
export { startPlatform, type Platform } from './platform.js';
