// The one place every HTTP response passes through on its way out, on Node and on the Worker,
// whichever path made it (Yoga, the whole-response graph cache, health, metrics, a failure):
// it gets the request id and the CORS headers here, so no path can answer without them.
// Yoga's own CORS is off (app.ts) so that the two cannot disagree. See
// docs/decisions/0011-one-response-path.md.
import type { CorsConfig } from "../config.js";

export const REQUEST_ID = "x-request-id";

const ALLOWED_METHODS = "GET, POST, OPTIONS";

/** The client's id when it sent a sensible one (to correlate with its own logs), else a new one. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get(REQUEST_ID);
  return given && /^[\w.-]{1,100}$/.test(given) ? given : crypto.randomUUID();
}

/** The origin to allow for this request, or null when the configuration does not allow it. */
function allowedOrigin(request: Request, cors: CorsConfig): string | null {
  if (cors.origins === "*") return "*";
  const origin = request.headers.get("origin");
  return origin && cors.origins.has(origin.toLowerCase()) ? origin : null;
}

/** The answer to any OPTIONS request (a CORS preflight or not): 204 with what is allowed. */
export function preflightResponse(request: Request, cors: CorsConfig): Response {
  const headers = new Headers({ allow: ALLOWED_METHODS });
  if (allowedOrigin(request, cors)) {
    headers.set("access-control-allow-methods", ALLOWED_METHODS);
    // The headers the page asked for: without credentials, allowing them exposes nothing.
    const asked = request.headers.get("access-control-request-headers");
    if (asked) headers.set("access-control-allow-headers", asked);
    headers.set("access-control-max-age", String(cors.maxAgeSeconds));
  }
  headers.append("vary", "Access-Control-Request-Headers");
  return new Response(null, { status: 204, headers });
}

/**
 * The response with the request id and CORS headers set. Changed in place when its headers
 * can be (every response we build); a response with immutable headers (Response.redirect, a
 * fetch from static assets) is copied first.
 */
export function decorate(
  request: Request,
  response: Response,
  requestId: string,
  cors: CorsConfig,
): Response {
  try {
    setHeaders(request, response.headers, requestId, cors);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    setHeaders(request, copy.headers, requestId, cors);
    return copy;
  }
}

function setHeaders(request: Request, headers: Headers, requestId: string, cors: CorsConfig): void {
  headers.set(REQUEST_ID, requestId);
  const origin = allowedOrigin(request, cors);
  if (origin) {
    headers.set("access-control-allow-origin", origin);
    headers.set("access-control-expose-headers", REQUEST_ID);
  }
  // A list of origins makes the answer depend on the request's Origin: caches must know.
  if (cors.origins !== "*") headers.append("vary", "Origin");
}
