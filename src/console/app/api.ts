/** Calls to the service (same origin) with the API key of the page's role; failures become ApiError. */
import { explainFailure, type Explained, type Failure, type Role } from "./logic/errors.js";

const KEY_PREFIX = "rome-match:cle:";

/** API keys live in sessionStorage only: gone when the tab closes, never written elsewhere. */
export const keys = {
  get(role: Role): string | null {
    try {
      return sessionStorage.getItem(KEY_PREFIX + role);
    } catch {
      return null;
    }
  },
  set(role: Role, key: string): void {
    sessionStorage.setItem(KEY_PREFIX + role, key);
  },
  forget(role: Role): void {
    sessionStorage.removeItem(KEY_PREFIX + role);
  },
};

export class ApiError extends Error {
  constructor(
    readonly failure: Failure,
    readonly explained: Explained,
  ) {
    super(explained.title);
  }
}

export interface CallOptions {
  method?: "GET" | "POST";
  body?: unknown;
  /** The role whose key goes in x-api-key. */
  role?: Role;
  query?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
}

export async function call<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const key = opts.role ? keys.get(opts.role) : null;
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (key) headers["x-api-key"] = key;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {}))
    if (v !== undefined && v !== null && v !== "") qs.set(k, String(v));
  const url = qs.size ? `${path}?${qs}` : path;
  let res: Response;
  try {
    res = await fetch(url, {
      method: opts.method ?? "GET",
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw failure({ status: 0, message: e instanceof Error ? e.message : String(e) }, opts.role, !!key);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    const retry = Number(res.headers.get("retry-after"));
    throw failure(
      {
        status: res.status,
        code: typeof err?.code === "string" ? err.code : undefined,
        message: typeof err?.message === "string" ? err.message : res.statusText,
        details: err?.details,
        retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null,
      },
      opts.role,
      !!key,
    );
  }
  if (body === null) throw failure({ status: res.status, message: "réponse vide ou illisible" }, opts.role, !!key);
  return body as T;
}

function failure(f: Failure, role: Role | undefined, hadKey: boolean): ApiError {
  return new ApiError(f, explainFailure(f, { role, hadKey }));
}
