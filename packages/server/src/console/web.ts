/**
 * The staff console's page, served by the platform itself at `/` (one origin with the API, no other server): the
 * built files of packages/web, hashed assets cached for a year, and index.html for every other path a browser asks
 * for, so a console address can be bookmarked and reloaded. When the console has not been built, `/` says so in Chinese.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>三保一站式结算平台</title>
<body style="font-family:sans-serif;margin:4em"><h1>控制台尚未构建</h1>
<p>请在项目目录运行 <code>npm run build</code> 后重新启动平台。接口文档见 <a href="/docs">/docs</a>。</p></body></html>`;

/** Paths that belong to the platform's interfaces, never to the console's pages. */
const NOT_PAGES = ['/api/', '/fsi/', '/docs', '/healthz'];

function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  if (NOT_PAGES.some((prefix) => path.startsWith(prefix))) return false;
  // An asset that is not there is a 404, not the page (console addresses never end in a file extension).
  if (path.startsWith('/assets/') || /\.(js|css|map|png|svg|ico|json|txt|woff2?)$/i.test(path)) return false;
  return true;
}

export async function registerWebConsole(app: FastifyInstance, dir: string | undefined): Promise<void> {
  const built = dir !== undefined && existsSync(join(dir, 'index.html'));
  const page = built ? readFileSync(join(dir, 'index.html')) : Buffer.from(NOT_BUILT);
  const sendPage = (reply: FastifyReply): FastifyReply =>
    reply.status(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);

  if (built)
    await app.register(async (child) => {
      await child.register(fastifyStatic, {
        root: dir,
        prefix: '/',
        index: false,
        wildcard: true,
        // Our header, not send's default (which would overwrite it with max-age=0).
        cacheControl: false,
        setHeaders: (response, path) => {
          const hashed = relative(dir, path).split(sep)[0] === 'assets';
          response.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    });
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendPage(reply));

  app.setNotFoundHandler((request, reply) => {
    if (wantsPage(request)) return sendPage(reply);
    if (request.url.startsWith('/api/'))
      return reply.status(404).send({ code: 'NOT_FOUND', message: '接口不存在，请查看接口文档 /docs' });
    return reply.status(404).type('text/plain; charset=utf-8').send('未找到');
  });
}
