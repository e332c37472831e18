// The GraphQL client (urql's core, no cache: the explorer decides when to read again) and what
// its failures mean for a person: every error the API can answer is said in words, with what
// to do about it.
import { Client, type CombinedError, fetchExchange, type TypedDocumentNode } from "@urql/core";

const TOKEN_KEY = "agentry-explorer-token";

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

const client = new Client({
  url: "/graphql",
  exchanges: [fetchExchange],
  // POST with application/json: a GET needs a CSRF header, and long queries do not fit a URL.
  preferGetMethod: false,
  requestPolicy: "network-only",
  fetchOptions: () => {
    const t = token();
    return t ? { headers: { authorization: `Bearer ${t}` } } : {};
  },
});

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** Runs an operation; resolves with its data or rejects with an ApiError a person can read. */
export async function run<D, V extends Record<string, unknown>>(
  document: TypedDocumentNode<D, V>,
  variables: V,
): Promise<D> {
  const result = await client.query(document, variables).toPromise();
  if (result.error) throw explain(result.error);
  if (!result.data) throw new ApiError("The server sent an answer without data.", null);
  return result.data;
}

function explain(error: CombinedError): ApiError {
  const first = error.graphQLErrors[0];
  if (!first) {
    const status = (error.response as Response | undefined)?.status;
    return new ApiError(
      status
        ? `The server answered HTTP ${status}: ${error.networkError?.message ?? "no GraphQL answer"}.`
        : `Could not reach the server (${error.networkError?.message ?? "network error"}). Is it running?`,
      "NETWORK",
    );
  }
  const ext = (first.extensions ?? {}) as Record<string, unknown>;
  const code = typeof ext.code === "string" ? ext.code : null;
  const id = typeof ext.requestId === "string" ? ` (request ${ext.requestId})` : "";
  switch (code) {
    case "UNAUTHENTICATED":
      return new ApiError(
        token()
          ? "The server refused the token this tab holds: paste another one."
          : "This server answers only callers with a token: paste an API key to go on.",
        code,
      );
    case "RATE_LIMITED":
      return new ApiError(`Too many requests for now: ${first.message}`, code);
    case "SERVER_BUSY":
      return new ApiError("The server is busy: try again in a second.", code);
    case "REQUEST_TIMEOUT":
      return new ApiError("The server took too long to answer: try a smaller depth.", code);
    case "QUERY_TOO_COMPLEX":
      return new ApiError(`The server refused the query as too big: ${first.message}`, code);
    default:
      return new ApiError(`${first.message}${id}`, code);
  }
}
