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
  setSecurityHeaders(request, headers);
  const origin = allowedOrigin(request, cors);
  if (origin) {
    headers.set("access-control-allow-origin", origin);
    // WWW-Authenticate says a 401 is about the token (error="invalid_token", decision 0023):
    // a page can only read it when it is exposed.
    headers.set("access-control-expose-headers", `${REQUEST_ID}, WWW-Authenticate`);
  }
  // A list of origins makes the answer depend on the request's Origin: caches must know.
  if (cors.origins !== "*") headers.append("vary", "Origin");
}

/**
 * OWASP's secure headers for an API: no MIME sniffing, no referrer, never framed, and a
 * content security policy that lets a JSON answer do nothing at all. GraphiQL's page (HTML,
 * its scripts and styles inline) may run its own inline code and call this origin only.
 * HSTS only over HTTPS, where a browser honours it.
 */
function setSecurityHeaders(request: Request, headers: Headers): void {
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "no-referrer");
  headers.set("x-frame-options", "DENY");
  const html = (headers.get("content-type") ?? "").startsWith("text/html");
  headers.set("content-security-policy", html ? GRAPHIQL_CSP : API_CSP);
  if (html) headers.set("cross-origin-opener-policy", "same-origin");
  if (request.url.startsWith("https:"))
    headers.set("strict-transport-security", "max-age=31536000; includeSubDomains");
}

const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");
