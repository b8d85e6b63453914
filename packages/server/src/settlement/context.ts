/** What the settlement service takes from whoever calls it. */
import type { PoolClient } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { type Institution } from '../institutions/repository.js';

/**
 * What settling needs, whoever asks (a HIS transaction, the console, a job): one database transaction, the
 * institution, the request recorded with what is written, the clock.
 */
export interface SettlementContext {
  client: PoolClient;
  institution: Institution;
  /** The request that settles, recorded with the settlement (the HIS message's msgid: medins_setl_id). */
  requestId: string;
  now: Date;
  /** Today in China (yyyy-MM-dd): the settlement date. */
  today: string;
  policies: PolicyRegistry;
}
