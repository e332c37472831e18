// Typed errors, so that the API layer can map them to GraphQL errors without parsing messages.

/** A requested entity does not exist (or is soft-deleted). */
export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(
    readonly entity: string,
    readonly id: number | string,
  ) {
    super(`no ${entity} ${JSON.stringify(id)}`);
  }
}

/** A pagination cursor that this code did not produce, or produced for another ordering. */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
  constructor(readonly cursor: string) {
    super(`invalid cursor ${JSON.stringify(cursor)}`);
  }
}

/**
 * An argument outside what an operation accepts (a negative page size, RELEVANCE without text…).
 * `message` names the argument; `detail` is the rest, for a caller that names it itself (the
 * API's issues are `{ path, message }`, printed `path: message`).
 */
export class InvalidArgumentError extends Error {
  override readonly name = "InvalidArgumentError";
  constructor(
    readonly argument: string,
    readonly detail: string,
  ) {
    super(`${argument}: ${detail}`);
  }
}
