/**
 * `npm run api:types [out.ts]`: the console API's TypeScript types, generated from the platform's OpenAPI document
 * (the one served at /docs/json) with openapi-typescript. A client is then `createClient<paths>()` of openapi-fetch:
 * every path, parameter, body and answer typed as the routes declare them.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import pg from 'pg';
import { buildApp } from '../packages/server/src/app.js';
import { PolicyRegistry } from '../packages/server/src/policies.js';

/** The OpenAPI document as the platform serves it (built without a database: nothing is queried). */
export async function apiDocument(): Promise<Record<string, unknown>> {
  const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
  const app = await buildApp({ pool, policies: new PolicyRegistry(), bodyLimit: 1_000_000, logLevel: 'silent' });
  try {
    const answer = await app.inject({ method: 'GET', url: '/docs/json' });
    return answer.json<Record<string, unknown>>();
  } finally {
    await app.close();
    await pool.end();
  }
}

/** The types of a document's paths, operations and schemas, as TypeScript source. */
export async function apiTypes(document: Record<string, unknown>): Promise<string> {
  return astToString(await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? 'api-types.ts';
  writeFileSync(out, await apiTypes(await apiDocument()));
  process.stdout.write(`已生成 ${out}\n`);
}
