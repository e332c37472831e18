// The explorer page: search, the graph around the agents opened, a node's details, a path,
// two variants side by side, the catalog's problems. The URL holds what is shown (state.ts);
// published changes are picked up by polling the sources' generations while the tab is seen.
import { ApiError, run, setToken } from "./api.js";
import { byId, fill, h } from "./dom.js";
import type { CollaborationKind } from "./gql/graphql.js";
import { fetchGraph } from "./graph-data.js";
import { GraphView } from "./graph-view.js";
import { GraphModel } from "./model.js";
import { createPanels, type Panels } from "./panels.js";
import { Generations, RecentAgents, SearchAgents } from "./queries.js";
import { formatState, KINDS, MAX_ROOTS, parseState, TABS, type Tab, type ViewState } from "./state.js";
import { namesOnServer, SuggestIndex, type Suggestion } from "./suggest.js";

const POLL_MS = 10_000;
/** Only when the catalog is bigger than the page's index: each pause asks the server then. */
const SERVER_DEBOUNCE_MS = 400;
const SHOWN = 10;
const index = new SuggestIndex();
/**
 * Full-text answers by text until the catalog changes: a search costs 51,000 of a caller's
 * 500,000 points a minute (README, limits), so typing back over a word asks nothing again.
 */
const searches = new Map<string, Promise<Awaited<ReturnType<typeof runSearch>>>>();
/** The same, for a big catalog's names (namesOnServer): one request per text until a change. */
const nameSearches = new Map<string, ReturnType<typeof namesOnServer>>();
const runSearch = (text: string) => run(SearchAgents, { text, first: 10 });

let state: ViewState = parseState(location.search);
let model = new GraphModel();
let view: GraphView | null = null;
let panels: Panels;
let graphSeq = 0;
let generation: string | null = null;
let layoutRunning = false;

const searchInput = byId<HTMLInputElement>("search");
const results = byId<HTMLDivElement>("results");
const depthSelect = byId<HTMLSelectElement>("depth");
const status = byId("status");
const banner = byId("banner");
const empty = byId("empty");

/** What the page changed: the URL follows (a new entry in history when the roots change). */
function commit(next: Partial<ViewState>, options: { push?: boolean; reload?: boolean } = {}): void {
  const before = state;
  state = { ...state, ...next };
  const url = `${location.pathname}${formatState(state)}`;
  if (url !== `${location.pathname}${location.search}`) {
    if (options.push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }
  syncControls();
  const graphChanged =
    before.roots.join() !== state.roots.join() ||
    before.depth !== state.depth ||
    before.kinds.join() !== state.kinds.join() ||
    before.expanded.join() !== state.expanded.join();
  if (graphChanged || options.reload) void loadGraph();
  else applyHighlights();
  panels.render(state);
}

function syncControls(): void {
  depthSelect.value = String(state.depth);
  for (const box of document.querySelectorAll<HTMLInputElement>('input[name="kind"]'))
    box.checked = state.kinds.includes(box.value as CollaborationKind);
  for (const b of document.querySelectorAll<HTMLButtonElement>("nav.tabs button"))
    b.setAttribute("aria-pressed", String(b.dataset.tab === state.tab));
  empty.hidden = state.roots.length > 0;
}

export function showError(error: unknown, where: string): void {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  const children: (Node | string)[] = [h("strong", null, `${where}: `), message];
  if (code === "UNAUTHENTICATED") {
    const input = h("input", { type: "password", placeholder: "agentry_… or a JWT", "aria-label": "Token" });
    const form = h(
      "form",
      {
        class: "token",
        onsubmit: ((e: Event) => {
          e.preventDefault();
          setToken(input.value.trim() || null);
          banner.hidden = true;
          commit({}, { reload: true });
        }) as EventListener,
      },
      input,
      h("button", { type: "submit" }, "Use for this tab"),
    );
    children.push(form);
  }
  children.push(
    h(
      "button",
      { class: "close", type: "button", "aria-label": "Dismiss", onclick: () => (banner.hidden = true) },
      "×",
    ),
  );
  fill(banner, ...children);
  banner.hidden = false;
}

function clearError(): void {
  banner.hidden = true;
}

// --- the graph ------------------------------------------------------------------------------

async function loadGraph(options: { quiet?: boolean } = {}): Promise<void> {
  const seq = ++graphSeq;
  if (!state.roots.length) {
    model = new GraphModel();
    view?.show(model);
    setStatus();
    return;
  }
  if (!options.quiet) status.textContent = `Loading the graph around ${state.roots.join(", ")}…`;
  status.dataset.state = "loading";
  try {
    const next = new GraphModel();
    const asks: { roots: string[]; depth: number; root: boolean }[] = [
      { roots: state.roots, depth: state.depth, root: true },
    ];
    const extra = state.expanded.filter((r) => !state.roots.includes(r));
    if (extra.length) asks.push({ roots: extra, depth: 1, root: false });
    const parts = await Promise.all(asks.map((a) => fetchGraph(a.roots, a.depth, state.kinds, a.root)));
    if (seq !== graphSeq) return;
    parts.forEach((part, i) => {
      if (asks[i]!.root) next.truncated = part.truncated;
      for (const n of part.nodes) next.addNode(n);
    });
    for (const part of parts) for (const l of part.links) next.addLink(l);
    // A path's agents stay drawn, with the links between them.
    panels.addPathTo(next);
    model = next;
    ensureView().show(model);
    clearError();
    applyHighlights();
    // The details panel lists the drawn agents while none is selected.
    if (state.tab === "details" && !state.selected) panels.render(state);
    setStatus();
  } catch (e) {
    if (seq !== graphSeq) return;
    status.dataset.state = "error";
    status.textContent = "The graph could not be loaded.";
    showError(e, "Graph");
  }
}

function ensureView(): GraphView {
  if (view) return view;
  const container = byId("graph");
  try {
    view = new GraphView(container, {
      onClickNode: (id) => selectNode(id),
      onDoubleClickNode: (id) => expandNode(id),
      onClickStage: () => commit({ selected: null }),
      onClickLink: (id) => {
        const link = model.links.get(id);
        if (link) panels.showLink(link);
      },
      onLayout: (running) => {
        layoutRunning = running;
        setStatus();
      },
    });
  } catch (e) {
    showError(
      new Error(`the graph cannot be drawn in this browser (${(e as Error).message}); WebGL 2 is needed`),
      "Graph",
    );
    throw e;
  }
  return view;
}

function setStatus(): void {
  const c = model.counts();
  const path = panels.highlight(model);
  status.dataset.nodes = String(c.agents);
  status.dataset.links = String(c.links);
  status.dataset.collaborations = String(c.collaborations);
  status.dataset.openEnds = String(c.openEnds);
  status.dataset.pathNodes = String(path?.nodes.size ?? 0);
  status.dataset.pathLinks = String(path?.links.size ?? 0);
  status.dataset.state = layoutRunning ? "layout" : "ready";
  if (!state.roots.length) {
    status.textContent = "No graph yet: search for an agent.";
    return;
  }
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const parts = [plural(c.agents, "agent", "agents"), plural(c.links, "link", "links")];
  if (c.openEnds) parts.push(plural(c.openEnds, "open end", "open ends"));
  let text = `${parts.join(", ")} · depth ${state.depth} · ${state.kinds.map((k) => k.toLowerCase()).join(", ")}`;
  if (path)
    text += ` · path: ${plural(path.nodes.size, "agent", "agents")} and ${plural(path.links.size, "link", "links")} highlighted`;
  if (model.truncated) text += " · truncated at the API's node budget of 500 agents: lower the depth";
  if (layoutRunning) text += " · laying out…";
  status.textContent = text;
}

function selectNode(id: string): void {
  const node = model.nodes.get(id);
  if (!node) return;
  if (node.kind !== "agent" || !node.ref) {
    panels.showOpenEnd(node);
    view?.setSelected(id);
    return;
  }
  commit({ selected: node.ref, tab: "details" });
}

export function expandNode(id: string): void {
  const node = model.nodes.get(id);
  if (!node?.ref || state.expanded.includes(node.ref) || state.roots.includes(node.ref)) return;
  commit({ expanded: [...state.expanded, node.ref].slice(-MAX_ROOTS), selected: node.ref }, { push: true });
}

export function openAgent(ref: string, options: { add?: boolean } = {}): void {
  const roots = options.add ? [...new Set([...state.roots, ref])].slice(0, MAX_ROOTS) : [ref];
  commit(
    { roots, selected: ref, tab: "details", expanded: options.add ? state.expanded : [] },
    { push: true },
  );
}

function applyHighlights(): void {
  if (!view) return;
  const selected = state.selected ? model.byRef(state.selected) : undefined;
  view.setSelected(selected?.id ?? null);
  view.setHighlight(panels.highlight(model));
  setStatus();
}

// --- search ---------------------------------------------------------------------------------

let searchTimer: ReturnType<typeof setTimeout> | null = null;
let searchSeq = 0;
let active = -1;

/** Each keystroke: answered from the page's index, or (a catalog past its cap) the server's. */
function onSearchInput(): void {
  if (searchTimer) clearTimeout(searchTimer);
  ++searchSeq;
  const text = searchInput.value.trim();
  if (!text) {
    closeResults();
    return;
  }
  if (index.mode === "local") {
    const { found, total } = index.find(text, SHOWN);
    showResults(
      text,
      found,
      total,
      found.length ? null : `No agent's name or description matches “${text}”.`,
    );
  } else if (index.mode === "server") {
    searchTimer = setTimeout(() => void serverNames(text), SERVER_DEBOUNCE_MS);
  } else if (index.mode === "failed") {
    searchTimer = setTimeout(() => void fullText(text, "failed"), SERVER_DEBOUNCE_MS);
  } else fill(results, h("div", { class: "muted" }, "Reading the catalog's names…"), fullTextRow(text));
  results.hidden = false;
  searchInput.setAttribute("aria-expanded", "true");
}

/** A big catalog's type-ahead: the names that hold the text, from the server, by name. */
async function serverNames(text: string): Promise<void> {
  const seq = ++searchSeq;
  fill(results, h("div", { class: "muted" }, "Searching names…"), fullTextRow(text));
  results.hidden = false;
  try {
    const key = text.slice(0, 200);
    let pending = nameSearches.get(key);
    if (!pending) {
      pending = namesOnServer(key, SHOWN);
      pending.catch(() => nameSearches.delete(key));
      nameSearches.set(key, pending);
    }
    const { found, total } = await pending;
    if (seq !== searchSeq) return;
    showResults(
      text,
      found,
      total,
      found.length
        ? `Names that hold “${text}”, from the server: the catalog has ${index.total} agents, too many to index in the page.`
        : `No agent's name holds “${text}”.`,
    );
  } catch (e) {
    if (seq !== searchSeq) return;
    fill(results, h("div", { class: "error" }, (e as Error).message), fullTextRow(text));
  }
}

/** The server's full-text search, once: on Enter, on the last row, or the type-ahead while names cannot be read. */
async function fullText(text: string, why: "asked" | "failed"): Promise<void> {
  const seq = ++searchSeq;
  fill(results, h("div", { class: "muted" }, "Searching…"));
  results.hidden = false;
  try {
    const key = text.slice(0, 200);
    let pending = searches.get(key);
    if (!pending) {
      pending = runSearch(key);
      pending.catch(() => searches.delete(key));
      searches.set(key, pending);
    }
    const data = await pending;
    if (seq !== searchSeq) return;
    const note =
      why === "failed"
        ? "From the server's search: the catalog's names could not be read yet."
        : "From the server's full-text search (names, descriptions and bodies).";
    showResults(text, data.agents.nodes, data.agents.totalCount, note, false);
  } catch (e) {
    if (seq !== searchSeq) return;
    fill(results, h("div", { class: "error" }, (e as Error).message));
  }
}

function fullTextRow(text: string): HTMLElement {
  return h(
    "div",
    {
      role: "option",
      id: "result-fulltext",
      class: "fulltext",
      "data-fulltext": "true",
      "aria-selected": "false",
      onmousedown: ((e: MouseEvent) => {
        e.preventDefault();
        void fullText(text, "asked");
      }) as EventListener,
    },
    `Search descriptions and bodies for “${text}”`,
  );
}

function showResults(
  text: string,
  found: Suggestion[],
  total: number,
  note: string | null,
  offerFullText = true,
): void {
  // As before: the first suggestion is chosen, Enter opens it; with none, Enter searches the text.
  active = found.length ? 0 : -1;
  fill(
    results,
    note ? h("div", { class: "muted", "data-testid": "results-note" }, note) : null,
    found.map((a, i) =>
      h(
        "div",
        {
          role: "option",
          id: `result-${i}`,
          "data-ref": a.ref,
          "aria-selected": String(i === 0),
          onmousedown: ((e: MouseEvent) => {
            e.preventDefault();
            pick(a.ref, e.shiftKey);
          }) as EventListener,
        },
        h("span", { class: "ref" }, a.ref),
        a.description ? h("span", { class: "desc" }, a.description) : null,
      ),
    ),
    total > found.length
      ? h("div", { class: "muted" }, `${total - found.length} more: type more to narrow.`)
      : null,
    offerFullText ? fullTextRow(text) : null,
  );
  if (found.length) searchInput.setAttribute("aria-activedescendant", "result-0");
  else searchInput.removeAttribute("aria-activedescendant");
  results.hidden = false;
  searchInput.setAttribute("aria-expanded", "true");
}

function options(): HTMLElement[] {
  return [...results.querySelectorAll<HTMLElement>("[role=option]")];
}

function moveActive(delta: number): void {
  const all = options();
  if (!all.length) return;
  active = (active + delta + all.length) % all.length;
  for (const [i, li] of all.entries()) li.setAttribute("aria-selected", String(i === active));
  searchInput.setAttribute("aria-activedescendant", all[active]!.id);
  all[active]!.scrollIntoView({ block: "nearest" });
}

function pick(ref: string, add: boolean): void {
  closeResults();
  searchInput.value = "";
  searchInput.blur();
  openAgent(ref, { add });
}

function closeResults(): void {
  results.hidden = true;
  searchInput.setAttribute("aria-expanded", "false");
  searchInput.removeAttribute("aria-activedescendant");
  active = -1;
}

searchInput.addEventListener("input", onSearchInput);
searchInput.addEventListener("blur", () => setTimeout(closeResults, 150));
searchInput.addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown") moveActive(1);
  else if (e.key === "ArrowUp") moveActive(-1);
  else if (e.key === "Enter") {
    const li = options()[active];
    const text = searchInput.value.trim();
    if (li?.dataset.ref) pick(li.dataset.ref, e.shiftKey);
    else if (text && (li?.dataset.fulltext || active < 0)) void fullText(text, "asked");
  } else if (e.key === "Escape") {
    searchInput.value = "";
    closeResults();
    searchInput.blur();
  } else return;
  e.preventDefault();
});

document.addEventListener("keydown", (e) => {
  const target = e.target as HTMLElement;
  const typing = target.matches("input, textarea, select");
  if (e.key === "/" && !typing) {
    e.preventDefault();
    searchInput.focus();
    searchInput.select();
  } else if (e.key === "Escape" && !typing) {
    if (state.pathFrom || state.pathTo || state.selected)
      commit({ selected: null, pathFrom: null, pathTo: null });
  }
});

// --- controls -------------------------------------------------------------------------------

depthSelect.addEventListener("change", () => commit({ depth: Number(depthSelect.value) }, { push: true }));
for (const box of document.querySelectorAll<HTMLInputElement>('input[name="kind"]')) {
  box.addEventListener("change", () => {
    const kinds = KINDS.filter(
      (k) => document.querySelector<HTMLInputElement>(`input[name="kind"][value="${k}"]`)?.checked,
    );
    if (!kinds.length) {
      box.checked = true;
      return;
    }
    commit({ kinds: [...kinds] }, { push: true });
  });
}
for (const b of document.querySelectorAll<HTMLButtonElement>("nav.tabs button")) {
  b.addEventListener("click", () => {
    const tab = b.dataset.tab as Tab;
    if ((TABS as readonly string[]).includes(tab)) commit({ tab });
  });
}
window.addEventListener("popstate", () => {
  const next = parseState(location.search);
  state = { ...next, roots: state.roots === next.roots ? state.roots : next.roots };
  syncControls();
  void loadGraph();
  panels.render(state);
});

// --- published changes ----------------------------------------------------------------------

async function poll(): Promise<void> {
  if (document.visibilityState !== "visible") return;
  try {
    const data = await run(Generations, {});
    const key = data.sources.nodes.map((s) => `${s.name}:${s.generation}`).join(",");
    if (generation !== null && key !== generation) {
      searches.clear();
      nameSearches.clear();
      const before = new Map(generation.split(",").map((p) => [p.slice(0, p.lastIndexOf(":")), p]));
      const now = new Map(data.sources.nodes.map((s) => [s.name, `${s.name}:${s.generation}`]));
      const moved = [...now].filter(([name, p]) => before.get(name) !== p).map(([name]) => name);
      const gone = [...before.keys()].filter((name) => !now.has(name));
      void index.refresh(moved, gone).catch(() => undefined);
      await loadGraph({ quiet: true });
      panels.refresh(state);
    }
    generation = key;
    // The index's first read failed (no token yet, a 429): the poll that works tries again.
    if (index.mode === "failed") void index.load().catch(() => undefined);
  } catch {
    // A failed poll says nothing new: the next one tries again.
  }
}

setInterval(() => void poll(), POLL_MS);
document.addEventListener("visibilitychange", () => void poll());

// --- start ----------------------------------------------------------------------------------

panels = createPanels(byId("panel"), {
  getState: () => state,
  getModel: () => model,
  commit,
  openAgent,
  expand: (ref) => {
    const n = model.byRef(ref);
    if (n) expandNode(n.id);
    else commit({ expanded: [...state.expanded, ref].slice(-MAX_ROOTS) }, { push: true });
  },
  focus: (ref) => {
    const n = model.byRef(ref);
    if (n) view?.focus(n.id);
  },
  showError,
  reloadGraph: () => void loadGraph({ quiet: true }),
});

/** For tests and curious people: where a node is drawn, and what the page shows. */
Object.assign(window, {
  agentryExplorer: {
    positionOf: (ref: string) => {
      const n = model.byRef(ref) ?? model.nodes.get(ref);
      return n && view ? view.positionOf(n.id) : null;
    },
    pointOf: (id: string, at: number) => view?.pointOf(id, at) ?? null,
    hoveredLink: () => view?.hoveredLinkId() ?? null,
    links: () => [...model.links.values()].map((l) => ({ ...l })),
    hovered: () => {
      const id = view?.hoveredNode();
      return id ? (model.nodes.get(id)?.ref ?? id) : null;
    },
    nodes: () =>
      [...model.nodes.values()].map((n) => ({
        id: n.id,
        ref: n.ref,
        label: n.label,
        kind: n.kind,
        hidden: n.hidden,
      })),
  },
});

/** With nothing opened yet: the agents changed last, one click from their graph. */
async function startHints(): Promise<void> {
  if (state.roots.length) return;
  const hint = byId("start-hint");
  try {
    const data = await run(RecentAgents, {});
    if (!data.agents.nodes.length) {
      hint.textContent = "The catalog is empty: import a folder of agents (npx agentry import …).";
      return;
    }
    fill(
      hint,
      `${data.agents.totalCount} agents in the catalog. Changed last: `,
      data.agents.nodes.flatMap((a, i) => [
        i ? ", " : "",
        h(
          "a",
          {
            href: `?roots=${encodeURIComponent(a.ref)}&sel=${encodeURIComponent(a.ref)}`,
            onclick: ((e: Event) => {
              e.preventDefault();
              openAgent(a.ref);
            }) as EventListener,
          },
          a.ref,
        ),
      ]),
    );
  } catch (e) {
    showError(e, "Catalog");
  }
}

syncControls();
panels.render(state);
void loadGraph();
void poll();
void startHints();
// The type-ahead's index; what is typed before it is read is answered once it is.
void index
  .load()
  .then(() => {
    if (searchInput.value.trim() && !results.hidden) onSearchInput();
  })
  .catch(() => undefined);
