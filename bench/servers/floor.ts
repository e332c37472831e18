// Benchmark floor: the data of each scenario fetched by hand-written SQL, one statement per
// request, through the same driver as Agentry (node-postgres, a pool of 10), served as JSON by
// a bare node:http server. No GraphQL, no validation, no limits: what the database and the
// driver cost, so that Agentry's figures can be read as an overhead over it.
//
//   DATABASE_URL=postgres://… PORT=0 node --import tsx bench/servers/floor.ts
//
// POST /<scenario> with the scenario's GraphQL variables as the JSON body. Prints
// `listening <port>`; stops on SIGTERM.
import { createServer } from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

/** An agent's tools (by position, with tier) and skills, as JSON, for the agent row `x`. */
const facts = (x: string) => `
  'tools', (select coalesce(json_agg(json_build_object('name', t.name, 'tier', at.tier) order by at.position), '[]')
              from agent_tools at join tools t on t.id = at.tool_id where at.agent_id = ${x}.id),
  'skills', (select coalesce(json_agg(json_build_object('name', sk.name) order by sk.position), '[]')
               from agent_skills sk where sk.agent_id = ${x}.id)`;

/**
 * Agentry's collaborators of agent `x`: its outgoing edges (less mentions of nobody) and the peer
 * edges others state towards it, the other agent as `to` (null when unresolved), in Agentry's
 * order; `inner` is the JSON of each other agent's further fields.
 */
const collaborators = (x: string, o: string, inner: string) => `
  'collaborators', (select coalesce(json_agg(json_build_object('kind', e.kind, 'to',
        case when ${o}.id is null then null else json_build_object('ref', ${o}s.name || '/' || ${o}.name, 'name', ${o}.name, ${inner}) end)
        order by array_position(array['handoff', 'peer', 'mention'], e.kind), e.id), '[]')
      from (select c.id, c.kind, c.to_agent_id as other, c.agent_id from collaborations c
             where c.from_agent_id = ${x}.id and (c.kind <> 'mention' or c.to_agent_id is not null)
            union all
            select c.id, c.kind, c.from_agent_id, c.agent_id from collaborations c
             where c.to_agent_id = ${x}.id and c.kind = 'peer' and c.from_agent_id is distinct from ${x}.id) e
      join agents st on st.id = e.agent_id and st.deleted_at is null
      left join agents ${o} on ${o}.id = e.other and ${o}.deleted_at is null
      left join sources ${o}s on ${o}s.id = ${o}.source_id)`;

const AGENT_DETAIL = `
  select json_build_object('ref', s.name || '/' || a.name, 'name', a.name, 'description', a.description,
           'model', json_build_object('raw', a.model_raw), ${facts("a")},
           ${collaborators("a", "o1", `${facts("o1")}, ${collaborators("o1", "o2", facts("o2"))}`)}) as agent
    from agents a join sources s on s.id = a.source_id
   where s.name = $1 and a.name = $2 and a.deleted_at is null`;

const AGENTS_BY_TOOL = `
  with matched as (
    select a.id, a.name from agents a
     where a.deleted_at is null
       and exists (select 1 from agent_tools x join tools tl on tl.id = x.tool_id where x.agent_id = a.id and tl.name = $1))
  select (select count(*) from matched) as total,
         (select coalesce(json_agg(json_build_object('ref', s.name || '/' || a.name, 'name', a.name,
                   'description', a.description, 'model', json_build_object('family', a.model_family),
                   'tools', (select coalesce(json_agg(json_build_object('name', t.name, 'tier', at.tier) order by at.position), '[]')
                               from agent_tools at join tools t on t.id = at.tool_id where at.agent_id = a.id))
                 order by a.name collate "C", a.id), '[]')
            from (select id from matched order by name collate "C", id limit 50) p
            join agents a on a.id = p.id join sources s on s.id = a.source_id) as nodes`;

const SEARCH = `
  with matched as (
    select a.id, ts_rank_cd(x.search, q) as rank
      from agents a join agent_search x on x.agent_id = a.id, websearch_to_tsquery('english', $1) q
     where a.deleted_at is null and x.search @@ q)
  select (select count(*) from matched) as total,
         (select coalesce(json_agg(json_build_object('ref', s.name || '/' || a.name, 'name', a.name,
                   'description', a.description) order by p.rank desc, a.id), '[]')
            from (select id, rank from matched order by rank desc, id limit 20) p
            join agents a on a.id = p.id join sources s on s.id = a.source_id) as nodes`;

/**
 * The graph around one root, depth hops either way over resolved edges between live agents:
 * a recursive walk level by level, then the nodes and the edges among them.
 */
const GRAPH = `
  with recursive walk(id, depth) as (
    select a.id, 0 from agents a join sources s on s.id = a.source_id
     where s.name = split_part($1, '/', 1) and a.name = substr($1, strpos($1, '/') + 1) and a.deleted_at is null
    union
    select n.next, w.depth + 1 from walk w
      cross join lateral (
        select c.to_agent_id as next from collaborations c where c.from_agent_id = w.id and c.to_agent_id is not null
        union
        select c.from_agent_id from collaborations c where c.to_agent_id = w.id and c.from_agent_id is not null) n
     where w.depth < $2
  ), nodes as (
    select w.id, min(w.depth) as depth from walk w join agents a on a.id = w.id and a.deleted_at is null
     group by w.id order by min(w.depth), w.id limit 500
  )
  select (select json_agg(json_build_object('depth', n.depth, 'agent', json_build_object('id', a.id,
                 'ref', s.name || '/' || a.name, 'name', a.name)) order by n.depth, n.id)
            from nodes n join agents a on a.id = n.id join sources s on s.id = a.source_id) as nodes,
         (select coalesce(json_agg(json_build_object('kind', c.kind, 'from', c.from_agent_id, 'to', c.to_agent_id) order by c.id), '[]')
            from collaborations c join nodes f on f.id = c.from_agent_id join nodes t on t.id = c.to_agent_id
            join agents st on st.id = c.agent_id and st.deleted_at is null) as edges`;

type Handler = (vars: Record<string, unknown>) => Promise<unknown>;
const one = async (text: string, values: unknown[]) => (await pool.query(text, values)).rows[0];

export const handlers: Record<string, Handler> = {
  "agent-detail": async (v) => {
    const [source, ...name] = String(v.ref).split("/");
    return { agent: (await one(AGENT_DETAIL, [source, name.join("/")]))?.agent ?? null };
  },
  "agents-by-tool": async (v) => {
    const row = await one(AGENTS_BY_TOOL, [v.tool]);
    return { agents: { totalCount: Number(row.total), nodes: row.nodes } };
  },
  search: async (v) => {
    const row = await one(SEARCH, [v.text]);
    return { agents: { totalCount: Number(row.total), nodes: row.nodes } };
  },
  graph: async (v) => {
    const row = await one(GRAPH, [(v.roots as string[])[0], v.depth]);
    return { agentGraph: { nodes: row.nodes ?? [], edges: row.edges } };
  },
};

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const handler = handlers[(req.url ?? "/").slice(1)];
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const vars = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    handler(vars).then(
      (data) => {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data }));
      },
      (error: unknown) => {
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ error: String(error) }));
      },
    );
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
process.once("SIGTERM", () => server.close(() => pool.end().then(() => process.exit(0))));
