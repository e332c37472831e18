// A GraphQL POST body, read once, before anything else looks at it: its size limited while it
// streams in (the graph response cache used to read every JSON body whole before Yoga's limit
// applied: a 300 MB body stayed resident as 1.1 GB), its JSON parsed once and checked with zod,
// and its refusals said without echoing what was sent (a 10 MB invalid body came back whole in
// V8's JSON.parse message). Yoga gets the parsed parameters (app.ts sets its request parser),
// so its own parser never reads the body again.
//
// Only `application/json` (and GraphQL-over-HTTP's `application/graphql+json`) is read: a form
// or multipart POST can be sent by any other site's page without a CORS preflight, so executing
// one is a cross-site request forgery (GET requests are held to a header, see app.ts).
import type { GraphQLParams } from "graphql-yoga";
import { z } from "zod";

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

const JSON_TYPES = ["application/json", "application/graphql+json"];

const paramsSchema = z.object({
  query: z.string().optional(),
  operationName: z.string().nullable().optional(),
  variables: z.record(z.string(), z.unknown()).nullable().optional(),
  extensions: z.record(z.string(), z.unknown()).nullable().optional(),
});

export type BodyResult = { params: GraphQLParams } | { refusal: Response };

export async function readGraphQLBody(request: Request, maxBytes: number): Promise<BodyResult> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!JSON_TYPES.includes(type))
    return refuse(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `a POST to /graphql must be application/json, not ${type ? `"${type.slice(0, 100)}"` : "without a content type"} (form and multipart posts are refused: any site can send them)`,
    );
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) return tooLarge(maxBytes);
  const text = await readText(request, maxBytes);
  if (text === null) return tooLarge(maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text; say only where it broke.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    return refuse(
      400,
      "BAD_REQUEST",
      `the request body is not valid JSON${at ? ` (at character ${at})` : ""}`,
    );
  }
  const parsed = paramsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join(".") : "the body";
    return refuse(
      400,
      "BAD_REQUEST",
      `${where}: ${issue.message} (a GraphQL request is an object with query, operationName, variables and extensions)`,
    );
  }
  const { query, operationName, variables, extensions } = parsed.data;
  const params: GraphQLParams = {};
  if (query !== undefined) params.query = query;
  if (operationName != null) params.operationName = operationName;
  if (variables != null) params.variables = variables;
  if (extensions != null) params.extensions = extensions;
  return { params };
}

/** The body as text, or null as soon as it grows past the limit (the rest is never read). */
async function readText(request: Request, maxBytes: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(maxBytes: number): BodyResult {
  return refuse(
    413,
    "PAYLOAD_TOO_LARGE",
    `the request body is larger than ${maxBytes} bytes (AGENTRY_MAX_BODY_BYTES)`,
  );
}

function refuse(status: number, code: string, message: string): BodyResult {
  return { refusal: Response.json({ errors: [{ message, extensions: { code } }] }, { status }) };
}
