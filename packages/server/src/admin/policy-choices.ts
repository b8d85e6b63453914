/** The policies a region may be given in 系统管理, with their names. */
import { listBuiltInPolicies } from '@sanbao/core';
import type { Pool } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { policiesInUse } from './queries.js';

export interface KnownPolicy {
  id: string;
  name: string;
}

/**
 * The policies a region may be given: the built-in ones and those regions already use (a bureau's own file the
 * platform was set up with), each that the registry compiles. A path typed over HTTP is never one of them.
 */
export async function knownPolicies(pool: Pool, policies: PolicyRegistry): Promise<KnownPolicy[]> {
  const ids = [...new Set([...listBuiltInPolicies(), ...(await policiesInUse(pool))])];
  const known: KnownPolicy[] = [];
  for (const id of ids) {
    try {
      known.push({ id, name: policies.get(id).name });
    } catch {
      // A policy that does not compile is offered to nobody (the region using it keeps it until changed).
    }
  }
  return known;
}
