/**
 * Institutions' HIS credentials: HTTP Basic `fixmedins_code:secret`, checked against a salted HMAC-SM3 of the secret
 * (`institutions.secret_hmac_sm3`, '<salt hex>:<hmac hex>').
 *
 * Every call reads the institution's row by its primary key (one prepared statement, with the code's lock) and
 * computes one HMAC-SM3 (a few microseconds): nothing is cached, so deactivating an institution, rotating its secret
 * or a lock takes effect on the very next call, in every platform process. A cache could not save the hash anyway
 * (the given secret must be hashed to be compared with anything but itself), only the round trip, at the price of
 * serving a revoked credential until it expired.
 *
 * Rows from before HMAC-SM3 hold an unsalted sha256 (`secret_sha256`), which cannot be turned into the new form:
 * they are still verified by it, and re-hashed to HMAC-SM3 (the sha256 cleared) at their first successful sign-in.
 *
 * Brute force: an institution code is locked after consecutive failures (AUTH_LOCKED), counted in PostgreSQL so that
 * every process sees them; a client address is limited in failures per minute (in this process's memory).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { audit } from '../audit.js';
import type { Pool } from '../db/pool.js';
import {
  addressCounter,
  authSettings,
  chinaClock,
  clearFailures,
  isLocked,
  recordFailure,
} from '../security/ratelimit.js';
import type { Institution } from './context.js';
import { REFUSALS, Refusal } from '../refusal.js';

export interface Caller {
  fixmedinsCode: string;
  secret: string;
}

/** Reads `Authorization: Basic base64(fixmedins_code:secret)`. */
export function readCredential(header: string | undefined): Caller | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { fixmedinsCode: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * The legacy form: an unsalted sha256, hex. Rows holding it still sign in (and are re-hashed then); new secrets are
 * stored with sealSecret.
 * @deprecated store secrets with sealSecret or setInstitutionSecret
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function hmacSm3(salt: Buffer, secret: string): Buffer {
  return createHmac('sm3', salt).update(secret, 'utf8').digest();
}

/** The stored form of a secret: a fresh 16-byte salt and the HMAC-SM3 of the secret under it, '<salt>:<hmac>'. */
export function sealSecret(secret: string): string {
  const salt = randomBytes(16);
  return `${salt.toString('hex')}:${hmacSm3(salt, secret).toString('hex')}`;
}

function sealedMatches(sealed: string, secret: string): boolean {
  const [salt, hmac] = sealed.split(':');
  if (!salt || !hmac) return false;
  const expected = Buffer.from(hmac, 'hex');
  const given = hmacSm3(Buffer.from(salt, 'hex'), secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function legacyMatches(sha256: string, secret: string): boolean {
  const expected = Buffer.from(sha256, 'hex');
  const given = createHash('sha256').update(secret).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Sets (or rotates) an institution's secret; the old one fails from the next call on. Answers whether the
 * institution exists.
 */
export async function setInstitutionSecret(pool: Pool, fixmedinsCode: string, secret: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    'update institutions set secret_hmac_sm3 = $2, secret_sha256 = null where fixmedins_code = $1',
    [fixmedinsCode, sealSecret(secret)],
  );
  return Boolean(rowCount);
}

/** Addresses each institution signed in from successfully, with when (this process's memory, a bounded number). */
const KNOWN_ADDRESSES_PER_INSTITUTION = 64;
const KNOWN_ADDRESS_MS = 7 * 24 * 3_600_000;
const knownAddresses = new Map<string, Map<string, number>>();

function rememberAddress(code: string, address: string | undefined): void {
  if (address === undefined) return;
  let addresses = knownAddresses.get(code);
  if (!addresses) knownAddresses.set(code, (addresses = new Map<string, number>()));
  addresses.delete(address);
  addresses.set(address, authSettings.now());
  // A Map keeps insertion order: the oldest sign-in goes first.
  if (addresses.size > KNOWN_ADDRESSES_PER_INSTITUTION) addresses.delete(addresses.keys().next().value as string);
}

function knownAddress(code: string, address: string | undefined): boolean {
  const at = address === undefined ? undefined : knownAddresses.get(code)?.get(address);
  return at !== undefined && authSettings.now() - at < KNOWN_ADDRESS_MS;
}

interface CredentialRow extends Institution {
  active: boolean;
  secret_hmac_sm3: string | null;
  secret_sha256: string | null;
  failures: number | null;
  locked_until: Date | null;
}

function lockedError(until: Date): Refusal {
  return new Refusal('AUTH_LOCKED', `${REFUSALS.AUTH_LOCKED}，请于 ${chinaClock(until)} 后重试`);
}

/**
 * The institution behind a credential, or a refusal: AUTH_REQUIRED, AUTH_FAILED, or AUTH_LOCKED while the code (or
 * the client `address`, when given) has failed too often.
 */
export async function authenticate(pool: Pool, caller: Caller | undefined, address?: string): Promise<Institution> {
  if (!caller) throw new Refusal('AUTH_REQUIRED', REFUSALS.AUTH_REQUIRED);
  if (address !== undefined && authSettings.hisFailuresPerAddress > 0) {
    const seen = addressCounter(pool, 'his').peek(address);
    if (seen.count >= authSettings.hisFailuresPerAddress) throw lockedError(seen.resetsAt);
  }
  // An institution code is letters and digits: anything else (a NUL, a megabyte) is no institution's.
  if (!/^[0-9A-Za-z_-]{1,30}$/.test(caller.fixmedinsCode) || caller.secret.length > 256)
    throw new Refusal('AUTH_FAILED', REFUSALS.AUTH_FAILED);
  const { rows } = await pool.query<CredentialRow>({
    name: 'his-credential',
    text: `select i.fixmedins_code, i.name, i.level, i.admdvs, i.active, i.secret_hmac_sm3, i.secret_sha256, f.failures, f.locked_until
             from institutions i left join auth_failures f on f.realm = 'his' and f.subject = i.fixmedins_code
            where i.fixmedins_code = $1`,
    values: [caller.fixmedinsCode],
  });
  const found = rows[0];
  // A lock keeps guessers out, not the hospital: an address this institution signed in from lately still gets in
  // with the right secret (otherwise anyone knowing a public institution code could lock a hospital out).
  if (found && isLocked(found.locked_until) && !knownAddress(found.fixmedins_code, address))
    throw lockedError(found.locked_until);
  const sealed = found?.secret_hmac_sm3 ?? null;
  const legacy = sealed === null && found?.secret_sha256 ? found.secret_sha256 : null;
  const matches =
    sealed !== null ? sealedMatches(sealed, caller.secret) : legacy ? legacyMatches(legacy, caller.secret) : false;
  if (!found || !found.active || !matches) {
    await failed(pool, found, caller.fixmedinsCode, address);
    throw new Refusal('AUTH_FAILED', REFUSALS.AUTH_FAILED);
  }
  if (legacy)
    await pool.query(
      'update institutions set secret_hmac_sm3 = $2, secret_sha256 = null where fixmedins_code = $1 and secret_hmac_sm3 is null and secret_sha256 = $3',
      [found.fixmedins_code, sealSecret(caller.secret), legacy],
    );
  if (found.failures && !isLocked(found.locked_until)) await clearFailures(pool, 'his', found.fixmedins_code);
  rememberAddress(found.fixmedins_code, address);
  return { fixmedins_code: found.fixmedins_code, name: found.name, level: found.level, admdvs: found.admdvs };
}

/**
 * A failed sign-in: counted for the address, and for the code when it is an active institution's (an unknown code
 * has nothing to protect, and must not fill the table). The failure that locks either is audited, once; the one
 * that locks the code is answered AUTH_LOCKED.
 */
async function failed(
  pool: Pool,
  found: CredentialRow | undefined,
  code: string,
  address: string | undefined,
): Promise<void> {
  if (address !== undefined) {
    // The failure that reaches the limit is the last one checked: the next call from the address is refused.
    const limit = authSettings.hisFailuresPerAddress;
    const hit = addressCounter(pool, 'his').hit(address, 0);
    if (limit > 0 && hit.count === limit)
      await audit(
        pool,
        `address:${address}`,
        'his.rate_limited',
        { address, fixmedins_code: code, limit: authSettings.hisFailuresPerAddress, until: hit.resetsAt.toISOString() },
        'AUTH_LOCKED',
      );
  }
  if (!found?.active) return;
  const failure = await recordFailure(pool, 'his', code, authSettings.hisFailures, authSettings.hisLockMs);
  if (failure.justLocked && failure.lockedUntil) {
    await audit(
      pool,
      `his:${code}`,
      'his.locked',
      {
        fixmedins_code: code,
        address: address ?? null,
        failures: failure.failures,
        locked_until: failure.lockedUntil.toISOString(),
      },
      'AUTH_LOCKED',
    );
    throw lockedError(failure.lockedUntil);
  }
}
