import type { RelayErrorBody } from '@discord-backbone/contracts';

/** What went wrong, said so that a person knows what to do; `exitCode` for the shell. */
export class RelayCliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The relay's /v1 API over fetch, with a backend bot's key. */
export class RelayClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; accept?: number[]; signal?: AbortSignal } = {},
  ): Promise<{ status: number; body: T }> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason =
        cause?.code === 'ECONNREFUSED'
          ? 'connection refused — is the relay API running there?'
          : (cause?.message ?? (error as Error).message);
      throw new RelayCliError(`Cannot reach the relay at ${this.baseUrl}: ${reason}`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new RelayCliError(
        `The relay at ${this.baseUrl} answered ${response.status} with something that is not JSON: is RELAY_URL the relay's API?`,
      );
    }
    if (response.ok || options.accept?.includes(response.status)) return { status: response.status, body: body as T };
    const error = body as Partial<RelayErrorBody> | undefined;
    if (response.status === 401)
      throw new RelayCliError(
        `The relay refused the key (401): pass your backend bot's api_key with --key or RELAY_API_KEY (${error?.message ?? ''})`,
      );
    const retry = response.headers.get('retry-after');
    throw new RelayCliError(
      `The relay answered ${response.status} ${error?.error ?? ''}: ${error?.message ?? text}${retry ? ` (retry after ${retry} s)` : ''}${error?.request_id ? ` [request id ${error.request_id}]` : ''}`,
    );
  }
}
