/** The keys every API under test accepts: a service key (the default) and an admin key. */
export const TEST_API_KEY = 'test-service-key-0123456789abcdefghijklmnop';
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnopqr';
export const TEST_AUTH_ENV = { API_KEYS: TEST_API_KEY, API_ADMIN_KEYS: TEST_ADMIN_KEY };

/** Authorization header for a key (the service key unless told). */
export const bearer = (key: string = TEST_API_KEY) => ({ authorization: `Bearer ${key}` });

/**
 * A JSON request to an app under test: status and parsed body (undefined when empty). Sends the
 * service key unless given another (`key: null` sends none).
 */
export async function http<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  options: { key?: string | null } = {},
): Promise<{ status: number; body: T }> {
  const key = options.key === undefined ? TEST_API_KEY : options.key;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key === null ? {} : bearer(key)),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** As `http`, with the admin key: for admin routes (contractors, subscription channels). */
export function adminHttp<T = Record<string, unknown>>(base: string, method: string, path: string, body?: unknown) {
  return http<T>(base, method, path, body, { key: TEST_ADMIN_KEY });
}
