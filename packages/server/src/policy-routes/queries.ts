/** The 政策 screen's reads: a region within the user's scope and the policy that settles its claims. */
import type { User } from '../console/auth.js';
import { ApiError } from '../console/errors.js';
import { inScope } from '../console/scope.js';
import type { Pool } from '../db/pool.js';

export interface RegionPolicy {
  admdvs: string;
  name: string;
  /** A built-in policy id (anhui/bozhou) or a policy file's path. */
  policy_id: string;
}

/** The region and its policy id; a region outside the scope is answered as one that does not exist. */
export async function regionPolicy(pool: Pool, user: User, admdvs: string): Promise<RegionPolicy> {
  const { rows } = await pool.query<RegionPolicy>(
    `select g.admdvs, g.name, g.policy_id from regions g where g.admdvs = $2 and ${inScope('g.admdvs', 1)}`,
    [user.scope_admdvs, admdvs],
  );
  const region = rows[0];
  if (!region) throw new ApiError('NOT_FOUND', `查无区划 ${admdvs}（或不在您的管辖范围）`);
  return region;
}
