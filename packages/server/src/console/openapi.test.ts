/**
 * The OpenAPI document at /docs describes every console route completely — its parameters, body and answer — so a
 * person can fill in and send each request from /docs, and a generated TypeScript client compiles against it (and a
 * client that sends what a route does not take does not).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiDocument, apiTypes } from '../../../../scripts/api-types.js';

interface Operation {
  summary?: string;
  security?: unknown[];
  parameters?: { in: string; name: string; schema?: unknown; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: { type?: string; properties?: object } }> };
  responses: Record<string, { content?: Record<string, { schema: { type?: string; properties?: object } }> }>;
}
type Document = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };

let document: Document;
let folder: string;
let types: string;

beforeAll(async () => {
  document = (await apiDocument()) as unknown as Document;
  // Inside the project, so that the client's imports resolve from its node_modules as an application's would.
  const cache = join(process.cwd(), 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  folder = mkdtempSync(join(cache, 'sanbao-api-client-'));
  types = await apiTypes(document);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function consoleOperations(): [string, string, Operation][] {
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => [path, method, op] as [string, string, Operation]),
    );
}

describe('the OpenAPI document', () => {
  it('gives every console route a Chinese summary, its answer’s shape and its refusals', () => {
    const operations = consoleOperations();
    expect(operations.length).toBeGreaterThanOrEqual(30);
    for (const [path, method, op] of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.summary, where).toMatch(/[\u4e00-\u9fff]/);
      const ok = op.responses['200'] ?? op.responses['201'];
      // A JSON answer with its shape, or a file (a workbook, a template).
      const answer = ok?.content?.['application/json']?.schema ?? Object.values(ok?.content ?? {})[0]?.schema;
      expect(answer?.type, where).toBeDefined();
      expect(op.responses['4XX']?.content?.['application/json']?.schema.properties, where).toHaveProperty('code');
      if (path !== '/api/login') expect(op.security, where).toEqual([{ console: [] }]);
    }
  });

  it('declares every path parameter, and a body for every route that reads one', () => {
    for (const [path, method, op] of consoleOperations()) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const [, name] of path.matchAll(/\{(\w+)\}/g))
        expect(
          op.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema,
          `${where} ${name}`,
        ).toBeDefined();
    }
    const login = document.paths['/api/login']?.['post'];
    expect(login?.requestBody?.content['application/json']?.schema.properties).toHaveProperty('password');
    const categories = document.paths['/api/persons/{psnNo}/categories']?.['post'];
    expect(categories?.requestBody?.content['application/json']?.schema.properties).toHaveProperty('begin');
    const settlements = document.paths['/api/settlements']?.['get'];
    expect(settlements?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['page', 'size', 'from', 'to']));
  });

  it('writes amounts as yuan text and times with their offset', () => {
    const detail = document.paths['/api/settlements/{psnNo}/{setlId}']?.['get'];
    const answer = detail?.responses['200']?.content?.['application/json']?.schema as {
      properties: Record<string, { type?: string; pattern?: string }>;
    };
    expect(answer.properties['medfee_sumamt']).toMatchObject({ type: 'string', pattern: '^-?\\d+\\.\\d{2}$' });
    expect(answer.properties['setl_time']?.pattern).toContain('+08:00');
  });
});

describe('a generated TypeScript client', () => {
  function compile(source: string): string[] {
    writeFileSync(join(folder, 'api.ts'), types);
    writeFileSync(join(folder, 'client.ts'), source);
    const program = ts.createProgram([join(folder, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: [],
    });
    return ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  }
  it('compiles a client that logs in, searches persons, registers one and reads a settlement', () => {
    expect(types).toContain('"/api/settlements/{psnNo}/{setlId}"');
    const problems = compile(`
      import createClient from 'openapi-fetch';
      import type { paths } from './api.js';
      const api = createClient<paths>({ baseUrl: 'http://localhost:3000' });
      export async function run(): Promise<string> {
        const login = await api.POST('/api/login', { body: { username: 'clerk', password: 'secret' } });
        const token: string | undefined = login.data?.token;
        const headers = { authorization: \`Bearer \${token ?? ''}\` };
        const found = await api.GET('/api/persons', { params: { query: { q: '张', page: 1, size: 20 } }, headers });
        const first: string | undefined = found.data?.items[0]?.certno;
        await api.POST('/api/persons', { body: { certno: '110101199003070011', psn_name: '张三', admdvs: '341602' }, headers });
        const detail = await api.GET('/api/settlements/{psnNo}/{setlId}', { params: { path: { psnNo: 'P1', setlId: 'S1' } }, headers });
        const paid: string | undefined = detail.data?.hifp_pay;
        const refused: string | undefined = detail.error?.message;
        return [first, paid, refused].join();
      }
    `);
    expect(problems).toEqual([]);
  });

  it('does not compile a client that sends what a route does not take', () => {
    const problems = compile(`
      import createClient from 'openapi-fetch';
      import type { paths } from './api.js';
      const api = createClient<paths>({ baseUrl: 'http://localhost:3000' });
      export async function run(): Promise<void> {
        await api.POST('/api/persons', { body: { certno: '110101199003070011', psn_name: 1, admdvs: '341602' } });
        const detail = await api.GET('/api/settlements/{psnNo}/{setlId}', { params: { path: { psnNo: 'P1' } } });
        const paid: number | undefined = detail.data?.hifp_pay;
        void paid;
      }
    `);
    // The name is not text, the path lacks setlId, and an amount is text, not a number.
    expect(problems).toEqual([
      expect.stringMatching(/'number' is not assignable to type 'string'/),
      expect.stringMatching(/'setlId' is missing/),
      expect.stringMatching(/'string \| undefined' is not assignable to type 'number \| undefined'/),
    ]);
  });
});
