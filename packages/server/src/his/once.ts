/**
 * A message run once per (institution, msgid): the message log row and everything the transaction writes commit
 * together, and a replayed msgid gets the stored reply without anything being written again.
 */
import { rollback, sendTogether, withClient, type Pool, type PoolClient } from '../db/pool.js';
import type { PolicyRegistry } from '../policies.js';
import { Refusal } from '../refusal.js';
import { openIdNumbers, requestDigest, sealIdNumbersInJson } from '../security/identity.js';
import { chinaDate, chinaStamp } from '../time.js';
import type { Handler, HandlerResult, HisContext, Institution } from './context.js';
import { messageLock, REVERSED_DIGEST, type Envelope, type Reply } from './protocol.js';

export interface EndpointDeps {
  pool: Pool;
  policies: PolicyRegistry;
  clock: () => Date;
}

let reference = Math.floor(Math.random() * 1e9);
/** The receiver's serial number of inf_refmsgid: 10 digits, unique within this process's run. */
function nextReference(): string {
  reference = (reference + 1) % 1e10;
  return String(reference).padStart(10, '0');
}

/**
 * Runs a message once per (institution, msgid). A transaction-scoped advisory lock on the pair, taken first, makes
 * duplicates wait for each other: the second sees the first's message-log row once the first commits, and gets its
 * stored reply (if its content is the same) instead of running the transaction again. Any failure rolls back; a
 * client that saw anything but a refusal is discarded (withClient), so no request inherits another's aborted session.
 */
export async function runOnce(
  deps: EndpointDeps,
  institution: Institution,
  envelope: Envelope,
  handler: Handler,
  received: Date,
): Promise<Reply> {
  const digest = requestDigest(envelope);
  return withClient(deps.pool, async (client) => {
    // Waits are the cost of a settlement. Begin, the msgid lock and look-up leave in one write with the handler's
    // first queries (issued before its first await); its write leaves with the message-log row and commit.
    const today = chinaDate(received);
    const context: HisContext = { client, institution, envelope, now: received, today, policies: deps.policies };
    const [opening, locking, seen, handling] = sendTogether(
      client,
      () =>
        [
          client.query('begin'),
          client.query(messageLock(institution.fixmedins_code, envelope.msgid)),
          client.query({
            name: 'message-seen',
            text: 'select 1 from message_log where fixmedins_code = $1 and msgid = $2',
            values: [institution.fixmedins_code, envelope.msgid],
          }),
          handler(context),
        ] as const,
    );
    // Awaited below; these only keep an early failure from going unhandled meanwhile.
    opening.catch(() => undefined);
    locking.catch(() => undefined);
    seen.catch(() => undefined);
    let result: HandlerResult | undefined;
    let failure: unknown;
    try {
      result = await handling;
    } catch (error) {
      failure = error;
    }
    let replayed: boolean;
    try {
      await opening;
      await locking;
      replayed = Boolean((await seen).rowCount);
    } catch (error) {
      await rollback(client, error);
      throw error;
    }
    if (replayed || failure !== undefined || !result) {
      await rollback(client, failure);
      // A message seen before gets its stored reply, whatever this attempt ran into.
      if (replayed) return await storedReply(client, institution, envelope, digest);
      throw failure;
    }
    const reply: Reply = {
      infcode: 0,
      inf_refmsgid: `${institution.admdvs}${chinaStamp(received).slice(0, 14)}${nextReference()}`,
      refmsg_time: chinaStamp(received),
      respond_time: chinaStamp(deps.clock()),
      err_msg: '',
      err_code: '',
      warn_msg: result.warn ?? '',
      output: result.output,
    };
    const deferred = result.deferred ?? [];
    const [writing, logging, committing] = sendTogether(
      client,
      () =>
        [
          Promise.all(deferred.map((write) => client.query(write))),
          client.query({
            name: 'message-log',
            text: 'insert into message_log (fixmedins_code, msgid, infno, psn_no, request, reply, request_hmac_sm3) values ($1, $2, $3, $4, $5, $6, $7)',
            // ID numbers are stored sealed; a replay opens the reply's again (storedReply).
            values: [
              institution.fixmedins_code,
              envelope.msgid,
              envelope.infno,
              result.psnNo ?? null,
              sealIdNumbersInJson(JSON.stringify(envelope)),
              sealIdNumbersInJson(JSON.stringify(reply)),
              digest,
            ],
          }),
          // After a failed statement the server turns this commit into a rollback: nothing is half-written.
          client.query('commit'),
        ] as const,
    );
    writing.catch(() => undefined);
    logging.catch(() => undefined);
    try {
      await writing;
      await logging;
      await committing;
    } catch (error) {
      await committing.catch(() => undefined);
      await rollback(client, error);
      // Cannot happen while duplicates queue on the msgid lock; kept so that a lost race still answers correctly.
      if ((error as { code?: string }).code === '23505')
        return await storedReply(client, institution, envelope, digest);
      throw error;
    }
    return reply;
  });
}

/** The reply stored for a msgid, given only to a resend of the same content. */
async function storedReply(
  client: PoolClient,
  institution: Institution,
  envelope: Envelope,
  digest: string,
): Promise<Reply> {
  const { rows } = await client.query<{ infno: string; reply: string | null; request_hmac_sm3: string | null }>(
    'select infno, reply::text as reply, request_hmac_sm3 from message_log where fixmedins_code = $1 and msgid = $2',
    [institution.fixmedins_code, envelope.msgid],
  );
  const stored = rows[0];
  if (!stored?.reply) throw new Refusal('MSGID_REUSED', `报文ID ${envelope.msgid} 正在处理中`);
  if (stored.infno !== envelope.infno)
    throw new Refusal('MSGID_REUSED', `报文ID ${envelope.msgid} 已用于交易 ${stored.infno}`);
  // Every row has its digest once the platform has started (security/protect.ts); one without is matched on the
  // transaction alone.
  // A msgid a 2601 reversed before it arrived answers with that refusal, whatever is sent under it.
  if (
    stored.request_hmac_sm3 !== null &&
    stored.request_hmac_sm3 !== REVERSED_DIGEST &&
    stored.request_hmac_sm3 !== digest
  )
    throw new Refusal(
      'MSGID_REUSED',
      `报文ID ${envelope.msgid} 已用于内容不同的另一笔 ${stored.infno} 交易：重发须与原报文内容一致，新的交易须使用新的报文ID`,
    );
  // The reply as it was first sent: its ID numbers opened again.
  return JSON.parse(openIdNumbers(stored.reply)) as Reply;
}
