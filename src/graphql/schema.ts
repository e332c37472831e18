// Collects the type files (each registers itself on the builder) and builds the schema once.
// Where a field is defined: a type's fields in the file named after it (agent.ts: Agent,
// collaboration.ts: Collaboration, …); root Query fields in queries.ts, except `sources`
// (source.ts) and `node`/`nodes` (the relay plugin).
import { builder } from "./builder.js";
import "./errors.js";
import "./facts.js";
import "./tool.js";
import "./revision.js";
import "./source.js";
import "./agent.js";
import "./collaboration.js";
import "./queries.js";
import "./catalog-entities.js";

export const schema = builder.toSchema({ sortSchema: true });
