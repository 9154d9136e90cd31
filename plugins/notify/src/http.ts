/**
 * The one HTTP call the transports make: node's fetch with a deadline covering connect, answer and
 * body, no redirects (a gateway that redirects is misconfigured, and a redirect would carry the
 * signed body elsewhere), and errors that name the far side but never the URL — a WeCom robot URL
 * and a gettoken query hold secrets, and these messages end up in logs and the delivery record.
 */

export interface HttpAnswer {
  readonly status: number;
  /** The body parsed as JSON; undefined when empty or not JSON. */
  readonly json: unknown;
  readonly text: string;
}

export interface HttpCall {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Who answers, for messages: `SMS gateway`, `WeCom`. */
  readonly what: string;
}

const isTimeout = (error: unknown) => error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');

function reason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Throws for no answer within the deadline, an unreachable host and any non-2xx status. */
export async function call(request: HttpCall): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  const late = () => new Error(`${request.what} did not answer within ${request.timeoutMs} ms`);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method, body: request.body, redirect: 'error', signal,
      headers: { accept: 'application/json', ...(request.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...request.headers },
    });
  } catch (error) {
    throw isTimeout(error) ? late() : new Error(`${request.what} could not be reached: ${reason(error)}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw isTimeout(error) ? late() : new Error(`${request.what} answered HTTP ${response.status} but the body could not be read: ${reason(error)}`);
  }
  if (!response.ok) throw new Error(`${request.what} answered HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}
