// The graph explorer's page (explorer/, built by `npm run build:explorer` into
// dist/assets/explore/) at /explore: on Node from that folder, precompressed (brotli or gzip,
// as the browser accepts), with cache headers as the Worker's static assets give them; on the
// Worker from its static assets (src/worker.ts). Either way the answer gets the app's common
// headers (request id, CORS, nosniff…) and the page's own content security policy.
import type { CorsConfig } from "../config.js";
import { decorate, requestIdOf } from "./http-headers.js";

/** /explore, /explore/ and what is under it. */
export function isExplorerPath(pathname: string): boolean {
  return pathname === "/explore" || pathname.startsWith("/explore/");
}

/**
 * The page may load and run only this origin's files and call only this origin's API. Sigma
 * draws with WebGL (no CSP directive governs it) and ForceAtlas2 runs in a worker made from a
 * blob: URL, hence worker-src blob:. Its styles are files of its own (style-src 'self'); Sigma
 * sets element styles from script, which style-src does not govern.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "worker-src blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/** Hashed file names (Vite's assets/): never change, so cached for a year. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** The HTML names the current hashes: always revalidated (its ETag makes that a 304). */
const REVALIDATE = "no-cache";

/** The cache policy of a path under /explore. */
export function explorerCacheControl(pathname: string): string {
  return pathname.startsWith("/explore/assets/") ? IMMUTABLE : REVALIDATE;
}

/** An explorer answer made final: common headers, the page's CSP, its cache policy. */
export function finishExplorerResponse(
  request: Request,
  response: Response,
  requestId: string,
  cors: CorsConfig,
): Response {
  const out = decorate(request, response, requestId, cors);
  out.headers.set("content-security-policy", EXPLORER_CSP);
  if (out.status === 200 || out.status === 304) {
    const path = new URL(request.url).pathname;
    out.headers.set("cache-control", explorerCacheControl(path));
  }
  return out;
}

/**
 * /explore on the Worker: its static assets (wrangler.toml [assets], dist/assets/). They serve
 * explore/index.html at /explore/ (html_handling), with an ETag, and answer If-None-Match.
 */
export async function explorerAssetResponse(
  request: Request,
  assets: { fetch(request: Request): Promise<Response> },
  cors: CorsConfig,
): Promise<Response> {
  const requestId = requestIdOf(request);
  if (request.method !== "GET" && request.method !== "HEAD")
    return finishExplorerResponse(
      request,
      new Response("only GET and HEAD\n", { status: 405, headers: { allow: "GET, HEAD" } }),
      requestId,
      cors,
    );
  const url = new URL(request.url);
  const path =
    url.pathname === "/explore" || url.pathname === "/explore/index.html" ? "/explore/" : url.pathname;
  const asset = await assets.fetch(new Request(new URL(path, url), request));
  return finishExplorerResponse(request, asset, requestId, cors);
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  json: "application/json",
  txt: "text/plain; charset=utf-8",
};

interface Built {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  mtimeMs: number;
}

/** Files read once per version: a rebuild under a running server is served at once. */
const files = new Map<string, Built>();

/**
 * /explore on Node: the built files from disk. A missing build is a 503 that says how to
 * make it: a server does not run a bundler (production installs may not even have Vite).
 */
export async function serveExplorer(
  request: Request,
  requestId: string,
  cors: CorsConfig,
  dir?: string,
): Promise<Response> {
  const answer = (r: Response) => finishExplorerResponse(request, r, requestId, cors);
  if (request.method !== "GET" && request.method !== "HEAD")
    return answer(new Response("only GET and HEAD\n", { status: 405, headers: { allow: "GET, HEAD" } }));
  const { pathname } = new URL(request.url);
  const relative = pathname === "/explore" || pathname === "/explore/" ? "index.html" : pathname.slice(9);
  // Only the build's own names: letters, digits, - _ . and folders; no dot segments.
  if (!/^[\w-]+(\.[\w-]+)*(\/[\w-]+(\.[\w-]+)*)*$/.test(relative))
    return answer(new Response("not found\n", { status: 404, headers: { "content-type": "text/plain" } }));
  const root = dir ?? (await defaultDir());
  const { join } = await import("node:path");
  const index = await read(join(root, "index.html"));
  if (!index)
    return answer(
      new Response(
        "The graph explorer is not built. Run `npm run build:explorer` (npm start does it when it is missing), then reload.\n",
        { status: 503, headers: { "content-type": "text/plain; charset=utf-8", "retry-after": "30" } },
      ),
    );
  const ext = relative.split(".").pop() ?? "";
  const type = TYPES[ext] ?? "application/octet-stream";
  const accepted = request.headers.get("accept-encoding") ?? "";
  const base = join(root, relative);
  const compressible = /^(html|js|css|svg|json|txt)$/.test(ext);
  const variants: [string | null, string][] = compressible
    ? [
        ...(acceptsEncoding(accepted, "br") ? ([["br", `${base}.br`]] as [string, string][]) : []),
        ...(acceptsEncoding(accepted, "gzip") ? ([["gzip", `${base}.gz`]] as [string, string][]) : []),
        [null, base],
      ]
    : [[null, base]];
  for (const [encoding, file] of variants) {
    const built = await read(file);
    if (!built) continue;
    const headers = new Headers({ "content-type": type, etag: built.etag });
    if (compressible) headers.set("vary", "Accept-Encoding");
    if (encoding) headers.set("content-encoding", encoding);
    if (matches(request.headers.get("if-none-match"), built.etag))
      return answer(new Response(null, { status: 304, headers }));
    headers.set("content-length", String(built.body.byteLength));
    return answer(new Response(request.method === "HEAD" ? null : built.body, { status: 200, headers }));
  }
  return answer(new Response("not found\n", { status: 404, headers: { "content-type": "text/plain" } }));
}

async function defaultDir(): Promise<string> {
  const { fileURLToPath } = await import("node:url");
  return fileURLToPath(new URL("../../dist/assets/explore", import.meta.url));
}

async function read(path: string): Promise<Built | null> {
  const { readFile, stat } = await import("node:fs/promises");
  const { createHash } = await import("node:crypto");
  try {
    const { mtimeMs } = await stat(path);
    const known = files.get(path);
    if (known && known.mtimeMs === mtimeMs) return known;
    const body = new Uint8Array(await readFile(path));
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    const built = { body, etag, mtimeMs };
    files.set(path, built);
    return built;
  } catch {
    files.delete(path);
    return null;
  }
}

function acceptsEncoding(header: string, name: string): boolean {
  return header
    .split(",")
    .map((part) => part.trim().split(";"))
    .some(
      ([coding, ...params]) =>
        coding?.trim().toLowerCase() === name && !params.some((q) => /^\s*q=0(\.0*)?\s*$/.test(q)),
    );
}

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === etag || t === "*");
}
