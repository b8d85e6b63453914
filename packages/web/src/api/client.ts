/**
 * The console's API client: openapi-fetch typed by the platform's own OpenAPI document (schema.ts is generated from it
 * at build time). The session's token rides on every request; a refusal becomes an ApiFailure carrying the
 * catalogue's code and Chinese message, and a 401 sends the user back to the login screen.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

const TOKEN_KEY = 'sanbao.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  save: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** A refusal of the platform: its status, the stable code of the error catalogue and the Chinese message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onSignedOut: () => void = () => undefined;
/** What to do when the platform says the session is over (401): set once by the application. */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

const withToken: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/api/login')) {
      session.clear();
      onSignedOut();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(withToken);

/** The catalogue's refusal body, or a plain Chinese one when the answer is not the platform's (a proxy, a crash). */
function failureOf(status: number, error: unknown): ApiFailure {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error)
    return new ApiFailure(status, String(error.code), String(error.message));
  if (status >= 500) return new ApiFailure(status, 'UNAVAILABLE', '平台暂时无法处理请求，请稍后再试');
  return new ApiFailure(status, 'UNKNOWN', `请求未成功（${status}）`);
}

/** The answer of an openapi-fetch call, or its refusal thrown as an ApiFailure (for TanStack Query). */
export async function answer<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiFailure(0, 'NETWORK', '无法连接平台，请检查网络后重试');
  }
  if (result.error !== undefined || !result.response.ok) throw failureOf(result.response.status, result.error);
  return result.data as NonNullable<T>;
}

/** A download (XLSX, CSV, PDF) with the session's token, saved under the name the platform gives. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const token = session.token();
  const response = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    throw failureOf(response.status, body);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const named = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const name = named?.[1] ? decodeURIComponent(named[1]) : fallbackName;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}
