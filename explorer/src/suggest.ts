// The search box's type-ahead, answered in the page: the catalog's agents are read once, 100 a
// page by name (CatalogAgents), when the page starts and again for each source whose
// generation moved; each keystroke is then ranked here, with no request. A full-text search
// (45,000 points and more) is sent only when asked for. Past INDEX_CAP agents the page does
// not index: suggestions then come from the server, names that hold the text (`namesOnServer`,
// one page of CatalogAgents, about 10,100 points), and the full-text search stays a choice.
import { run } from "./api.js";
import type { ExplorerCatalogQuery } from "./gql/graphql.js";
import { CatalogAgents } from "./queries.js";

/** 10 pages, about 107,000 of a caller's 500,000 points a minute (decision 0028). */
export const INDEX_CAP = 1_000;
const PAGE = 100;

export interface Suggestion {
  id: string;
  ref: string;
  name: string;
  namespace: string;
  description: string | null;
  source: { name: string };
}

interface Entry {
  agent: Suggestion;
  name: string;
  ref: string;
  words: string[];
}

async function readAll(source: string | null, cap: number): Promise<{ agents: Suggestion[]; total: number }> {
  const agents: Suggestion[] = [];
  let after: string | null = null;
  for (;;) {
    const data: ExplorerCatalogQuery = await run(CatalogAgents, {
      first: PAGE,
      after,
      filter: source === null ? null : { source },
    });
    const page = data.agents;
    // Bigger than the cap: not worth the pages, the server's search answers instead.
    if (page.totalCount > cap) return { agents: [], total: page.totalCount };
    agents.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return { agents, total: page.totalCount };
    after = page.pageInfo.endCursor;
  }
}

/** Up to `limit` agents whose name holds `text`, by name, and how many there are in all. */
export async function namesOnServer(
  text: string,
  limit: number,
): Promise<{ found: Suggestion[]; total: number }> {
  const data: ExplorerCatalogQuery = await run(CatalogAgents, {
    first: limit,
    after: null,
    filter: { nameContains: text },
  });
  return { found: data.agents.nodes, total: data.agents.totalCount };
}

const entry = (agent: Suggestion): Entry => ({
  agent,
  name: agent.name.toLowerCase(),
  ref: agent.ref.toLowerCase(),
  words: (agent.description ?? "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean),
});

export class SuggestIndex {
  private bySource = new Map<string, Entry[]>();
  /**
   * "loading" until the first read; "server" when the catalog is bigger than the cap; "failed"
   * when the read failed (a 401 before a token, a 429): the server's search answers meanwhile.
   */
  mode: "loading" | "local" | "server" | "failed" = "loading";
  total = 0;
  private queue: Promise<void> = Promise.resolve();

  /** Reads the whole catalog (at start, or when the sources' list itself changed). */
  load(): Promise<void> {
    return this.enqueue(async () => {
      const { agents, total } = await readAll(null, INDEX_CAP).catch((e: unknown) => {
        this.mode = "failed";
        throw e;
      });
      this.total = total;
      this.bySource.clear();
      if (total > INDEX_CAP) {
        this.mode = "server";
        return;
      }
      for (const a of agents) {
        const list = this.bySource.get(a.source.name) ?? [];
        list.push(entry(a));
        this.bySource.set(a.source.name, list);
      }
      this.mode = "local";
    });
  }

  /** Re-reads only the sources whose generation moved, and forgets the ones gone. */
  refresh(moved: string[], gone: string[]): Promise<void> {
    if (this.mode !== "local" && this.mode !== "loading") return this.load();
    return this.enqueue(async () => {
      // Read while the first read was on: it may have failed since (the poll reads it all again).
      if (this.mode !== "local") return;
      for (const s of gone) this.bySource.delete(s);
      for (const s of moved) {
        const others = this.count() - (this.bySource.get(s)?.length ?? 0);
        const { agents, total } = await readAll(s, INDEX_CAP - others);
        if (others + total > INDEX_CAP) {
          this.bySource.clear();
          this.total = others + total;
          this.mode = "server";
          return;
        }
        if (agents.length) this.bySource.set(s, agents.map(entry));
        else this.bySource.delete(s);
      }
      this.total = this.count();
    });
  }

  private count(): number {
    let n = 0;
    for (const list of this.bySource.values()) n += list.length;
    return n;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    // A failed read leaves the index as it was (or "loading"): the next generation move retries.
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Exact name or ref first, then names that start with the text, then names or refs that
   * hold it, then agents whose description has every word of it (as a word's start); within
   * a rank, shorter names first, then by ref.
   */
  find(text: string, limit: number): { found: Suggestion[]; total: number } {
    const q = text.trim().toLowerCase();
    if (!q) return { found: [], total: 0 };
    const terms = q.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const ranked: { rank: number; e: Entry }[] = [];
    for (const list of this.bySource.values())
      for (const e of list) {
        let rank = -1;
        if (e.name === q || e.ref === q) rank = 0;
        else if (e.name.startsWith(q)) rank = 1;
        else if (e.name.includes(q) || e.ref.includes(q)) rank = 2;
        else if (terms.length && terms.every((t) => e.words.some((w) => w.startsWith(t)))) rank = 3;
        if (rank >= 0) ranked.push({ rank, e });
      }
    ranked.sort(
      (a, b) =>
        a.rank - b.rank ||
        a.e.name.length - b.e.name.length ||
        (a.e.ref < b.e.ref ? -1 : a.e.ref > b.e.ref ? 1 : 0),
    );
    return { found: ranked.slice(0, limit).map((r) => r.e.agent), total: ranked.length };
  }
}
