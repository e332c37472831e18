// What the response-path tests compare between a cached and an uncached answer: every header
// a client reads, with the values that differ per request (the id, the length) replaced by
// what they must be. Transport headers (date, connection) and the cache's own marker are left
// out: they are not part of the answer.
const IGNORED = new Set(["date", "connection", "keep-alive", "transfer-encoding", "x-agentry-cache"]);

export function headerProfile(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    if (IGNORED.has(key)) return;
    if (key === "x-request-id") out[key] = /^[\w.-]{1,100}$/.test(value) ? "<id>" : value;
    else if (key === "content-length") out[key] = /^\d+$/.test(value) ? "<n>" : value;
    // The caller's points left and the seconds to its window's end (src/server/rate-limit.ts).
    else if (key === "ratelimit") out[key] = value.replace(/;r=\d+;t=\d+$/, ";r=<n>;t=<n>");
    else out[key] = value;
  });
  return out;
}

export const GRAPH_QUERY = `query Graph { agentGraph(roots: ["acme-platform/api-designer"], depth: 2) {
  __typename ... on AgentGraph { nodes { depth agent { ref } } } } }`;

export const SIMPLE_QUERY = "{ sources(first: 3) { nodes { name } } }";

/** A POST of a query as a browser on another origin sends it. */
export function crossOriginPost(url: string, query: string, origin = "http://page.example:9000"): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", origin },
    body: JSON.stringify({ query }),
  });
}

/** The security headers every non-HTML answer carries (src/server/http-headers.ts). */
export const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};
