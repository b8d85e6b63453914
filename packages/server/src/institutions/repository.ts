/**
 * The register of designated institutions (定点医药机构). An institution is more than the HIS caller it authenticates
 * as: the settlement service prices by its level and the encounters belong to it, whoever asks (a HIS transaction,
 * the console, a job). So it lives in a room of its own below them; how a HIS proves to be one stays in
 * his/credentials.ts.
 */
import type { PoolClient } from '../db/pool.js';

/** A designated institution (定点医药机构) as the register holds it; its level decides its ratios. */
export interface Institution {
  fixmedins_code: string;
  name: string;
  level: 'township' | 'county' | 'city' | 'province';
  admdvs: string;
}

/** An institution to register, with where it is and its HIS secret already sealed (his/credentials.ts). */
export interface NewInstitution {
  code: string;
  name: string;
  level: string;
  admdvs: string;
  lat: number;
  lon: number;
  sealedSecret: string;
}

export async function insertInstitutions(
  db: Pick<PoolClient, 'query'>,
  institutions: readonly NewInstitution[],
): Promise<void> {
  for (const institution of institutions) {
    await db.query(
      'insert into institutions (fixmedins_code, name, level, admdvs, lat, lon, secret_hmac_sm3) values ($1, $2, $3, $4, $5, $6, $7)',
      [
        institution.code,
        institution.name,
        institution.level,
        institution.admdvs,
        institution.lat,
        institution.lon,
        institution.sealedSecret,
      ],
    );
  }
}
