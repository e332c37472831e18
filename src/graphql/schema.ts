// Collects the type files (each registers itself on the builder) and builds the schema once.
// Where a field is defined: a type's fields in the file named after it (agent.ts: Agent,
// collaboration.ts: Collaboration, …); root Query fields in queries.ts, except `agentGraph`
// and `collaborationPath` (graph.ts), `sources` (source.ts), `node`/`nodes` (node.ts) and
// `_entities` (federation.ts).
import { builder } from "./builder.js";
import "./errors.js";
import "./facts.js";
import "./tool.js";
import "./revision.js";
import "./source.js";
import "./agent.js";
import "./collaboration.js";
import "./queries.js";
import "./graph.js";
import "./node.js";
import "./catalog-entities.js";
import "./name-conflicts.js";
import "./publish.js";
import "./source-visibility.js";
import "./audit.js";
import "./plan.js";
import "./api-keys.js";
import {
  FEDERATION_DIRECTIVES,
  FEDERATION_LINK,
  offerToSupergraph,
  withoutFederation,
} from "./federation.js";

/**
 * The schema the app serves: an Apollo Federation v2 subgraph (`_service { sdl }` and
 * `_entities`, see federation.ts; its SDL leaves out `node`/`nodes`, offerToSupergraph), which
 * is also the whole public API on its own.
 */
export const schema = offerToSupergraph(
  builder.toSubGraphSchema({
    sortSchema: true,
    linkUrl: FEDERATION_LINK,
    // Named rather than discovered: discovery builds the whole schema a second time.
    federationDirectives: FEDERATION_DIRECTIVES,
  }),
);

/** The public API without federation's plumbing types and fields (schema/schema.graphql). */
export function apiSchema() {
  return withoutFederation(schema);
}
