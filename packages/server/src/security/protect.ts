/**
 * What migration 011 cannot do without the ID key, done at every start right after the migrations (a database
 * already converted costs three small queries): the key is checked against the database's, persons still holding a
 * clear certno are sealed and indexed (and certno cleared), HIS messages logged before are sealed and given the keyed
 * digest. A new database and an old one end in the same schema and the same state.
 */
import type { Pool } from '../db/pool.js';
import { identityKey, IdentityKeyError, requestDigest, sealIdNumbersInJson } from './identity.js';

const BATCH = 5000;

export interface Protected {
  persons: number;
  messages: number;
}

/** Refuses a key other than the one the database's numbers are protected with; records it on first use. */
async function checkKey(pool: Pool): Promise<void> {
  const key = identityKey();
  await pool.query('insert into identity_key (fingerprint) values ($1) on conflict do nothing', [key.fingerprint]);
  const { rows } = await pool.query<{ fingerprint: string }>('select fingerprint from identity_key');
  if (rows[0]?.fingerprint !== key.fingerprint)
    throw new IdentityKeyError(
      '身份证号码密钥与数据库不符：数据库中的身份证号码是用另一个密钥加密的（请检查 SANBAO_ID_KEY 或数据目录中的 id-key.secret 是否为原密钥），平台拒绝启动',
    );
}

async function protectPersons(pool: Pool): Promise<number> {
  const key = identityKey();
  let done = 0;
  for (;;) {
    const { rows } = await pool.query<{ psn_no: string; certno: string }>(
      'select psn_no, certno from persons where certno is not null order by psn_no limit $1',
      [BATCH],
    );
    if (rows.length === 0) break;
    const ids = key.protectMany(rows.map((row) => row.certno.toUpperCase()));
    try {
      await pool.query(
        `update persons p set certno = null, certno_index = t.certno_index, certno_sm4 = t.certno_sm4
           from unnest($1::text[], $2::text[], $3::text[]) as t(psn_no, certno_index, certno_sm4)
          where p.psn_no = t.psn_no`,
        [rows.map((row) => row.psn_no), ids.map((id) => id.index), ids.map((id) => id.sealed)],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new Error(
          `参保人员中有身份证号码重复的记录（大小写不同的 X 视为同一号码），无法转换：${(error as Error).message}`,
        );
      throw error;
    }
    done += rows.length;
  }
  // Every row protected: from now on the check holds for all of them (once; a scan of the table).
  const { rows } = await pool.query<{ convalidated: boolean }>(
    "select convalidated from pg_constraint where conrelid = 'persons'::regclass and conname = 'persons_certno_protected'",
  );
  if (rows[0] && !rows[0].convalidated)
    await pool.query('alter table persons validate constraint persons_certno_protected');
  return done;
}

async function protectMessages(pool: Pool): Promise<number> {
  let done = 0;
  for (;;) {
    const { rows } = await pool.query<{ fixmedins_code: string; msgid: string; request: string; reply: string | null }>(
      `select fixmedins_code, msgid, request::text as request, reply::text as reply from message_log
        where request_hmac_sm3 is null limit $1`,
      [BATCH / 5],
    );
    if (rows.length === 0) break;
    await pool.query(
      `update message_log m set request = t.request::json, reply = t.reply::json, request_hmac_sm3 = t.digest
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) as t(fixmedins_code, msgid, request, reply, digest)
        where m.fixmedins_code = t.fixmedins_code and m.msgid = t.msgid`,
      [
        rows.map((row) => row.fixmedins_code),
        rows.map((row) => row.msgid),
        rows.map((row) => sealIdNumbersInJson(row.request)),
        rows.map((row) => (row.reply === null ? null : sealIdNumbersInJson(row.reply))),
        // The digest of the message as it was received, which only the clear request still gives.
        rows.map((row) => requestDigest(JSON.parse(row.request) as { infno: string; input: unknown })),
      ],
    );
    done += rows.length;
  }
  return done;
}

/** Runs after migrate() with the process's ID key installed. Returns how many rows it converted. */
export async function protectIdentities(pool: Pool): Promise<Protected> {
  await checkKey(pool);
  const persons = await protectPersons(pool);
  const messages = await protectMessages(pool);
  return { persons, messages };
}
