// Benchmark ceiling: graphql-yoga alone, the same version and HTTP adapter as Agentry, with a
// one-field schema, answering `{ __typename }`. No database, no plugins of ours: what the
// framework itself can do on this machine. Prints `listening <port>`; stops on SIGTERM.
import { createServer } from "node:http";
import { createSchema, createYoga } from "graphql-yoga";

const yoga = createYoga({
  schema: createSchema({ typeDefs: "type Query { ok: Boolean }", resolvers: { Query: { ok: () => true } } }),
  graphiql: false,
  logging: false,
});
const server = createServer(yoga);
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
