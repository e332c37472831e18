// Where the SQL migrations are: the repository's drizzle/ folder (Node only; the Worker never
// migrates: `agentry migrate` does, before deploying).
export const DEFAULT_MIGRATIONS = new URL("../../../drizzle", import.meta.url).pathname;
