/** Calls of the HIS endpoint as the HIS tests make them: accepted, refused with nothing written, or raw. */
import { expect } from 'vitest';
import { basic, call, COUNTY, counts, type Answer, type World } from './world.js';

export type Reply = Answer & { warn_msg: string };
export type Body = Record<string, unknown> | string;
export interface Institution {
  code: string;
  secret: string;
}

/** A message the endpoint accepts: infcode 0 and no err_msg. */
export async function accepted(world: World, body: Body, institution: Institution = COUNTY): Promise<Reply> {
  const answer = (await call(world, body, institution)) as Reply;
  expect(answer.err_msg).toBe('');
  expect(answer.infcode).toBe(0);
  return answer;
}

/**
 * A refusal: HTTP 200, infcode -1, the stable code, every fragment in err_msg, and nothing written (every business
 * table and the message log). Returns err_msg.
 */
export async function refused(
  world: World,
  body: Body,
  code: string,
  fragments: (string | RegExp)[] = [],
  institution: Institution = COUNTY,
): Promise<string> {
  const before = await counts(world.pool);
  const answer = await call(world, body, institution);
  expect({ status: answer.status, infcode: answer.infcode, err_code: answer.err_code }, answer.err_msg).toEqual({
    status: 200,
    infcode: -1,
    err_code: code,
  });
  for (const fragment of fragments) {
    if (typeof fragment === 'string') expect(answer.err_msg).toContain(fragment);
    else expect(answer.err_msg).toMatch(fragment);
  }
  expect(await counts(world.pool)).toEqual(before);
  return answer.err_msg;
}

/** The raw HTTP answer (status and body), for bodies that may not come back in the interface's shape. */
export async function raw(
  world: World,
  payload: string,
  institution: Institution = COUNTY,
): Promise<{ status: number; body: string }> {
  const response = await world.app.inject({
    method: 'POST',
    url: '/fsi/api/rsfComIfsService/callService',
    headers: { authorization: basic(institution), 'content-type': 'application/json' },
    payload,
  });
  return { status: response.statusCode, body: response.body };
}
