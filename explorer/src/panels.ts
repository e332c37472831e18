// The side panel: a node's details with the evidence of each edge, a path between two agents,
// two variants side by side, and the catalog's problems, each pointing at its file and line
// (shown from Agent.markdown around that line: there is no file viewer).
import { run } from "./api.js";
import { type Child, fill, h } from "./dom.js";
import type {
  CollaborationKind,
  ExplorerAgentQuery,
  ExplorerCompareDiffQuery,
  ExplorerCompareQuery,
  ExplorerConflictsQuery,
  ExplorerPathQuery,
  ExplorerUnresolvedQuery,
} from "./gql/graphql.js";
import type { Highlight } from "./graph-view.js";
import type { GLink, GNode, GraphModel } from "./model.js";
import { mergeEdges } from "./model.js";
import {
  AgentDetail,
  CompareAgent,
  CompareDiff,
  ConflictFiles,
  Conflicts,
  Markdown,
  Path,
  Unresolved,
} from "./queries.js";
import { semanticDiffLines } from "./semantic-diff.js";
import type { ViewState } from "./state.js";

type AgentData = Extract<ExplorerAgentQuery["agent"], { __typename: "Agent" }>;
type Collab = AgentData["collaborators"][number];
type CompareData = Extract<ExplorerCompareQuery["agent"], { __typename: "Agent" }>;
type PathData = Extract<
  NonNullable<ExplorerPathQuery["collaborationPath"]>,
  { __typename: "CollaborationPath" }
>;

export interface PanelDeps {
  getState(): ViewState;
  getModel(): GraphModel;
  commit(next: Partial<ViewState>, options?: { push?: boolean; reload?: boolean }): void;
  openAgent(ref: string, options?: { add?: boolean }): void;
  expand(ref: string): void;
  focus(ref: string): void;
  showError(error: unknown, where: string): void;
  reloadGraph(): void;
}

export interface Panels {
  render(state: ViewState): void;
  /** Published changes: forget what was read and show it again. */
  refresh(state: ViewState): void;
  highlight(model: GraphModel): Highlight | null;
  /** Adds the current path's agents and links to a model being built. */
  addPathTo(model: GraphModel): void;
  showOpenEnd(node: GNode): void;
  /** A link's collaborations with the line of the file that states each. */
  showLink(link: GLink): void;
}

const kindChip = (kind: CollaborationKind) =>
  h("span", { class: `chip ${kind.toLowerCase()}` }, kind.toLowerCase());

export function createPanels(root: HTMLElement, deps: PanelDeps): Panels {
  const details = new Map<string, Promise<AgentData | string>>();
  const compared = new Map<string, Promise<CompareData | string>>();
  let path: { key: string; result: Promise<PathData | null | string>; data?: PathData | null } | null = null;
  let problems: {
    unresolved?: Promise<ExplorerUnresolvedQuery>;
    conflicts?: Promise<ExplorerConflictsQuery>;
  } = {};
  let renderSeq = 0;
  const dialog = sourceDialog();

  function agent(ref: string): Promise<AgentData | string> {
    let p = details.get(ref);
    if (!p) {
      p = run(AgentDetail, { ref }).then((d) => (d.agent.__typename === "Agent" ? d.agent : d.agent.message));
      p.catch(() => details.delete(ref));
      details.set(ref, p);
    }
    return p;
  }

  function pathKey(s: ViewState): string | null {
    return s.pathFrom && s.pathTo ? `${s.pathFrom}|${s.pathTo}|${s.kinds.join()}` : null;
  }

  function loadPath(s: ViewState): void {
    const key = pathKey(s);
    if (!key) {
      path = null;
      return;
    }
    if (path?.key === key) return;
    const entry: NonNullable<typeof path> = {
      key,
      result: run(Path, { from: s.pathFrom!, to: s.pathTo!, kinds: s.kinds }).then((d) => {
        const p = d.collaborationPath;
        if (!p) return null;
        return p.__typename === "CollaborationPath" ? p : p.message;
      }),
    };
    path = entry;
    entry.result.then(
      (r) => {
        if (path !== entry) return;
        entry.data = typeof r === "string" ? null : r;
        const model = deps.getModel();
        // Agents of the path that are not drawn yet: draw them.
        if (entry.data?.agents.some((a) => !model.nodes.has(a.id))) deps.reloadGraph();
        else deps.commit({});
      },
      () => {},
    );
  }

  async function renderDetails(seq: number, s: ViewState): Promise<void> {
    if (!s.selected) {
      fill(
        root,
        h("h2", null, "Details"),
        h(
          "p",
          { class: "muted" },
          "Click a node to see its description, model, tools, skills, commands and the line of its file that states each edge.",
        ),
        h("p", { class: "muted" }, "Double-click a node to add its neighbourhood to the graph."),
        inView(),
      );
      return;
    }
    fill(root, h("p", { class: "muted loading" }, `Loading ${s.selected}…`));
    let a: AgentData | string;
    try {
      a = await agent(s.selected);
    } catch (e) {
      if (seq === renderSeq) fill(root, h("p", { class: "error" }, (e as Error).message));
      return;
    }
    if (seq !== renderSeq) return;
    if (typeof a === "string") {
      fill(root, h("p", { class: "error" }, a));
      return;
    }
    const node = deps.getModel().byRef(a.ref);
    const inGraph = !!node;
    const expandable = !s.roots.includes(a.ref) && !s.expanded.includes(a.ref);
    const button = (label: string, onclick: () => void, extra: Record<string, string> = {}) =>
      h("button", { type: "button", onclick, ...extra }, label);
    const evidence = (c: Collab) =>
      h(
        "button",
        {
          type: "button",
          class: "evidence",
          "data-testid": "evidence",
          title: "Show the file around this line",
          onclick: () => dialog.open(c.statedBy.ref, c.statedBy.path, c.evidence.line),
        },
        h("code", { class: "where" }, `${c.statedBy.path}:${c.evidence.line}`),
        h("code", { class: "text" }, c.evidence.text.trim()),
      );
    const end = (e: Collab["to"]) =>
      e.__typename === "Agent"
        ? h("a", { href: `?sel=${encodeURIComponent(e.ref)}`, onclick: select(e.ref) }, e.name)
        : e.__typename === "UnresolvedAgent"
          ? h(
              "span",
              {
                class: "unresolved",
                title: e.candidates.length ? `could be ${e.candidates.join(", ")}` : "no agent has this name",
              },
              `${e.name} (unresolved)`,
            )
          : "?";
    const collabList = (title: string, list: readonly Collab[], other: "to" | "from") =>
      list.length
        ? h(
            "section",
            null,
            h("h3", null, `${title} (${list.length})`),
            h(
              "ul",
              { class: "edges" },
              list.map((c) =>
                h(
                  "li",
                  null,
                  h(
                    "div",
                    null,
                    kindChip(c.kind),
                    " ",
                    end(c[other]),
                    c.summary ? h("span", { class: "summary" }, ` — ${c.summary}`) : null,
                  ),
                  evidence(c),
                ),
              ),
            ),
          )
        : null;
    const diff = a.diff.__typename === "AgentRevisionDiff" ? a.diff : null;
    fill(
      root,
      h("h2", { "data-testid": "details-title" }, a.name),
      h("p", { class: "ref" }, a.ref, " · ", h("code", null, a.path), ` · revision ${a.revision}`),
      h(
        "div",
        { class: "actions" },
        expandable
          ? button(node?.hidden ? `Expand (+${node.hidden})` : "Expand", () => deps.expand(a.ref), {
              "data-testid": "expand",
            })
          : null,
        !s.roots.includes(a.ref) ? button("Open alone", () => deps.openAgent(a.ref)) : null,
        !s.roots.includes(a.ref) ? button("Add as root", () => deps.openAgent(a.ref, { add: true })) : null,
        inGraph ? button("Focus", () => deps.focus(a.ref)) : null,
        button("Path from here", () => deps.commit({ pathFrom: a.ref, tab: s.pathTo ? "path" : "details" })),
        button("Path to here", () => deps.commit({ pathTo: a.ref, tab: s.pathFrom ? "path" : "details" })),
        a.variants.length
          ? button(`Compare with ${a.variants[0]!.ref}`, () =>
              deps.commit({ compare: [a.ref, a.variants[0]!.ref], tab: "compare" }),
            )
          : null,
        button("File", () => dialog.open(a.ref, a.path, 1)),
      ),
      a.description
        ? h("p", { class: "description" }, a.description)
        : h("p", { class: "muted" }, "No description."),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, "Model"),
        h("dd", null, a.model ? `${a.model.raw} (${a.model.family.toLowerCase()})` : "none given (inherits)"),
        h("dt", null, "Source"),
        h("dd", null, a.source.name, a.namespace ? ` · plugin ${a.namespace}` : ""),
        h("dt", null, `Tools (${a.tools.length})`),
        h(
          "dd",
          null,
          a.tools.length
            ? h(
                "ul",
                { class: "chips" },
                a.tools.map((t) =>
                  h(
                    "li",
                    { title: t.kind.toLowerCase() },
                    t.name,
                    t.tier !== "NONE" ? h("small", null, ` ${t.tier.toLowerCase()}`) : null,
                  ),
                ),
              )
            : a.toolsMode === "INHERIT"
              ? "inherits every tool"
              : a.toolsMode.toLowerCase(),
        ),
        h("dt", null, `Skills (${a.skills.length})`),
        h(
          "dd",
          null,
          a.skills.length
            ? h(
                "ul",
                { class: "chips" },
                a.skills.map((k) =>
                  h(
                    "li",
                    {
                      class: k.resolved ? "" : "unresolved",
                      title: k.resolved ? "" : "no SKILL.md in the source",
                    },
                    k.name,
                  ),
                ),
              )
            : "none",
        ),
        h("dt", null, `Commands (${a.commands.length})`),
        h(
          "dd",
          null,
          a.commands.length
            ? h(
                "ul",
                { class: "chips" },
                a.commands.map((c) => h("li", { class: c.resolved ? "" : "unresolved" }, c.name)),
              )
            : "none",
        ),
      ),
      collabList("Gives to / works with", a.collaborators, "to"),
      collabList("Named by", a.dependents, "from"),
      a.conflicts.length
        ? h(
            "p",
            { class: "warning" },
            `Name conflict: ${a.conflicts.map((c) => c.path).join(", ")} declare this name too.`,
          )
        : null,
      diff
        ? h(
            "section",
            null,
            h("h3", null, `Last change (revision ${diff.fromRevision} → ${diff.toRevision})`),
            h(
              "ul",
              { class: "diff" },
              diffLines(diff).map((l) => h("li", null, l)),
            ),
          )
        : null,
    );
  }

  /** The drawn agents as a list: the graph by keyboard, and a name found at a glance. */
  function inView(): Node | null {
    const agents = [...deps.getModel().nodes.values()]
      .filter((n) => n.kind === "agent" && n.ref)
      .sort((a, b) => a.label.localeCompare(b.label));
    if (!agents.length) return null;
    return h(
      "section",
      null,
      h("h3", null, `In the graph (${agents.length})`),
      h(
        "ul",
        { class: "in-view" },
        agents.map((n) =>
          h(
            "li",
            null,
            h("a", { href: `?sel=${encodeURIComponent(n.ref!)}`, onclick: select(n.ref!) }, n.label),
            n.root ? h("small", null, " root") : null,
            n.hidden ? h("small", { title: "agents next to it not drawn" }, ` +${n.hidden}`) : null,
            n.source ? h("small", { class: "muted" }, ` ${n.source}`) : null,
          ),
        ),
      ),
    );
  }

  function select(ref: string): EventListener {
    return (e: Event) => {
      e.preventDefault();
      deps.commit({ selected: ref, tab: "details" });
    };
  }

  async function renderPath(seq: number, s: ViewState): Promise<void> {
    const pickers = h(
      "p",
      null,
      "From ",
      h("strong", { "data-testid": "path-from" }, s.pathFrom ?? "(pick: “Path from here” on an agent)"),
      h("br"),
      "To ",
      h("strong", { "data-testid": "path-to" }, s.pathTo ?? "(pick: “Path to here” on an agent)"),
    );
    const swap =
      s.pathFrom || s.pathTo
        ? h(
            "div",
            { class: "actions" },
            h(
              "button",
              { type: "button", onclick: () => deps.commit({ pathFrom: s.pathTo, pathTo: s.pathFrom }) },
              "Swap",
            ),
            h(
              "button",
              { type: "button", onclick: () => deps.commit({ pathFrom: null, pathTo: null }) },
              "Clear",
            ),
          )
        : null;
    if (!path) {
      fill(
        root,
        h("h2", null, "Path"),
        pickers,
        swap,
        h(
          "p",
          { class: "muted" },
          "The shortest chain of collaborations between two agents (either way, up to 4 links) is highlighted on the graph.",
        ),
      );
      return;
    }
    fill(
      root,
      h("h2", null, "Path"),
      pickers,
      swap,
      h("p", { class: "muted loading" }, "Looking for a path…"),
    );
    let r: PathData | null | string;
    try {
      r = await path.result;
    } catch (e) {
      if (seq === renderSeq)
        fill(root, h("h2", null, "Path"), pickers, swap, h("p", { class: "error" }, (e as Error).message));
      return;
    }
    if (seq !== renderSeq) return;
    if (typeof r === "string" || r === null) {
      fill(
        root,
        h("h2", null, "Path"),
        pickers,
        swap,
        h(
          "p",
          { class: "warning", "data-testid": "path-summary" },
          r ?? "No path within 4 links of the chosen kinds.",
        ),
      );
      return;
    }
    const names = new Map(r.agents.map((a) => [a.id, a] as const));
    fill(
      root,
      h("h2", null, "Path"),
      pickers,
      swap,
      h(
        "p",
        { "data-testid": "path-summary", "data-agents": r.agents.length, "data-links": r.length },
        `On the path: ${r.agents.length} agents, ${r.length} ${r.length === 1 ? "link" : "links"}: `,
        h("strong", null, r.agents.map((a) => a.name).join(" → ")),
      ),
      h(
        "ol",
        { class: "edges" },
        r.steps.map((step) =>
          h(
            "li",
            null,
            h(
              "div",
              null,
              names.get(step.from.id)?.name ?? "?",
              step.direction === "FORWARD" ? " → " : " ← ",
              names.get(step.to.id)?.name ?? "?",
              " ",
              kindChip(step.collaboration.kind),
              step.direction === "BACKWARD" ? h("small", null, " (walked against the edge)") : null,
            ),
            h(
              "button",
              {
                type: "button",
                class: "evidence",
                onclick: () =>
                  dialog.open(
                    step.collaboration.statedBy.ref,
                    step.collaboration.statedBy.path,
                    step.collaboration.evidence.line,
                  ),
              },
              h(
                "code",
                { class: "where" },
                `${step.collaboration.statedBy.path}:${step.collaboration.evidence.line}`,
              ),
              h("code", { class: "text" }, step.collaboration.evidence.text.trim()),
            ),
          ),
        ),
      ),
    );
  }

  function compareData(ref: string): Promise<CompareData | string> {
    let p = compared.get(ref);
    if (!p) {
      p = run(CompareAgent, { ref }).then((d) =>
        d.agent.__typename === "Agent" ? d.agent : d.agent.message,
      );
      p.catch(() => compared.delete(ref));
      compared.set(ref, p);
    }
    return p;
  }

  async function semanticDiffSection(
    diff: Promise<
      ExplorerCompareDiffQuery["agent"] extends infer A
        ? A extends { __typename: "Agent"; compareWith: infer C }
          ? C | null
          : null
        : null
    >,
    right: string,
  ): Promise<HTMLElement> {
    const d = await diff;
    const body =
      d?.__typename === "AgentRevisionDiff"
        ? (() => {
            const lines = semanticDiffLines(d, right);
            return lines.length
              ? h(
                  "ul",
                  null,
                  lines.map((l) => h("li", null, l)),
                )
              : h("p", { class: "muted" }, "No difference the reader compares.");
          })()
        : h("p", { class: "muted" }, d && "message" in d ? d.message : "The API's diff could not be read.");
    return h(
      "section",
      { "data-testid": "semantic-diff" },
      h("h3", null, "The semantic diff (Agent.compareWith)"),
      body,
    );
  }

  async function renderCompare(seq: number, s: ViewState): Promise<void> {
    const [left, right] = s.compare;
    if (!left || !right) {
      fill(
        root,
        h("h2", null, "Compare"),
        h(
          "p",
          { class: "muted" },
          "Agents with the same name in other sources are variants. Open one and press “Compare with …” to see the two side by side.",
        ),
      );
      return;
    }
    fill(root, h("h2", null, "Compare"), h("p", { class: "muted loading" }, `Loading ${left} and ${right}…`));
    // The API's semantic diff, read beside the two sides; a failure leaves the table alone.
    const diff = run(CompareDiff, { left, right })
      .then((d) => (d.agent.__typename === "Agent" ? d.agent.compareWith : null))
      .catch(() => null);
    let a: CompareData | string;
    let b: CompareData | string;
    let diffSection: HTMLElement;
    try {
      [a, b] = await Promise.all([compareData(left), compareData(right)]);
      diffSection = await semanticDiffSection(diff, right);
    } catch (e) {
      if (seq === renderSeq)
        fill(root, h("h2", null, "Compare"), h("p", { class: "error" }, (e as Error).message));
      return;
    }
    if (seq !== renderSeq) return;
    if (typeof a === "string" || typeof b === "string") {
      fill(root, h("h2", null, "Compare"), h("p", { class: "error" }, typeof a === "string" ? a : String(b)));
      return;
    }
    const variants = [...new Set([a.ref, ...a.variants.map((v) => v.ref)])];
    const otherPicker =
      variants.length > 2
        ? h(
            "select",
            {
              "aria-label": "Compare with",
              onchange: ((e: Event) =>
                deps.commit({ compare: [a.ref, (e.target as HTMLSelectElement).value] })) as EventListener,
            },
            variants
              .filter((v) => v !== a.ref)
              .map((v) => h("option", { value: v, selected: v === b.ref }, v)),
          )
        : null;
    const sets = (x: CompareData) => ({
      tools: x.tools.map((t) => (t.tier === "NONE" ? t.name : `${t.name} (${t.tier.toLowerCase()})`)),
      skills: x.skills.map((k) => k.name),
      commands: x.commands.map((c) => c.name),
      edges: x.collaborators.map(
        (c) =>
          `${c.kind.toLowerCase()} → ${c.to.__typename === "Agent" || c.to.__typename === "UnresolvedAgent" ? c.to.name : "?"}`,
      ),
    });
    const sa = sets(a);
    const sb = sets(b);
    const same = (x: string | null | undefined, y: string | null | undefined) =>
      (x ?? "") === (y ?? "") ? "same" : "differs";
    const scalar = (label: string, x: string | null | undefined, y: string | null | undefined) =>
      h("tr", { class: same(x, y) }, h("th", null, label), h("td", null, x ?? "—"), h("td", null, y ?? "—"));
    const listRow = (label: string, x: string[], y: string[]) => {
      const inY = new Set(y);
      const inX = new Set(x);
      const cell = (items: string[], other: Set<string>) =>
        h(
          "td",
          null,
          items.length
            ? h(
                "ul",
                { class: "chips" },
                items.map((i) => h("li", { class: other.has(i) ? "" : "only" }, i)),
              )
            : "none",
        );
      const differs = x.some((i) => !inY.has(i)) || y.some((i) => !inX.has(i));
      return h(
        "tr",
        { class: differs ? "differs" : "same" },
        h("th", null, label),
        cell(x, inY),
        cell(y, inX),
      );
    };
    const diffCount = [sa.tools, sa.skills, sa.commands, sa.edges].reduce((n, list, i) => {
      const other = new Set([sb.tools, sb.skills, sb.commands, sb.edges][i]);
      return n + list.filter((x) => !other.has(x)).length;
    }, 0);
    fill(
      root,
      h("h2", null, "Compare"),
      otherPicker ? h("p", null, "Compare with ", otherPicker) : null,
      h(
        "p",
        { class: "muted", "data-testid": "compare-summary" },
        `Highlighted: what differs; a chip marked ◆ is on one side only (${diffCount} on the left side only).`,
      ),
      h(
        "table",
        { class: "compare" },
        h("thead", null, h("tr", null, h("th"), h("th", null, a.ref), h("th", null, b.ref))),
        h(
          "tbody",
          null,
          scalar("File", a.path, b.path),
          scalar("Model", a.model?.raw, b.model?.raw),
          scalar("Tools given", a.toolsMode.toLowerCase(), b.toolsMode.toLowerCase()),
          listRow("Tools", sa.tools, sb.tools),
          listRow("Skills", sa.skills, sb.skills),
          listRow("Commands", sa.commands, sb.commands),
          listRow("Collaborations", sa.edges, sb.edges),
          scalar("Revision", String(a.revision), String(b.revision)),
          scalar("Changed", a.updatedAt.slice(0, 10), b.updatedAt.slice(0, 10)),
          scalar("Description", a.description, b.description),
        ),
      ),
      diffSection,
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          { type: "button", onclick: () => deps.commit({ compare: [b.ref, a.ref] }) },
          "Swap sides",
        ),
        h("button", { type: "button", onclick: () => deps.openAgent(a.ref, { add: true }) }, `Draw ${a.ref}`),
        h("button", { type: "button", onclick: () => deps.openAgent(b.ref, { add: true }) }, `Draw ${b.ref}`),
      ),
    );
  }

  async function renderProblems(seq: number): Promise<void> {
    fill(
      root,
      h("h2", null, "Problems"),
      h("p", { class: "muted loading" }, "Reading the catalog's problems…"),
    );
    problems.unresolved ??= run(Unresolved, { first: 50 });
    problems.conflicts ??= run(Conflicts, { first: 50 });
    const [u, c] = await Promise.allSettled([problems.unresolved, problems.conflicts]);
    if (seq !== renderSeq) return;
    const sections: Node[] = [];
    if (u.status === "rejected") {
      problems.unresolved = undefined;
      sections.push(h("p", { class: "error" }, `Unresolved references: ${(u.reason as Error).message}`));
    } else {
      const page = u.value.unresolvedReferences;
      sections.push(
        problemList(
          "Unresolved references",
          "unresolved-count",
          page,
          "None: every reference resolves.",
          (p) => [
            problemHead(
              p.kind,
              p.name,
              " in ",
              h("a", { href: "#", onclick: select(p.agent.ref) }, p.agent.ref),
            ),
            h(
              "button",
              {
                type: "button",
                class: "evidence",
                onclick: () => dialog.open(p.agent.ref, p.agent.path, p.evidence?.line ?? 1),
              },
              h("code", { class: "where" }, `${p.agent.path}:${p.evidence?.line ?? "frontmatter"}`),
              p.evidence ? h("code", { class: "text" }, p.evidence.text.trim()) : null,
            ),
            p.candidates.length ? h("small", null, `could be: ${p.candidates.join(", ")}`) : null,
          ],
        ),
      );
    }
    if (c.status === "rejected") {
      problems.conflicts = undefined;
      sections.push(h("p", { class: "error" }, `Name conflicts: ${(c.reason as Error).message}`));
    } else {
      const page = c.value.nameConflicts;
      sections.push(
        problemList("Name conflicts", "conflict-count", page, "None: every name is declared once.", (n) => [
          problemHead(
            n.kind,
            n.name,
            ` in ${n.source.name}`,
            n.namespace ? ` (plugin ${n.namespace})` : "",
            ": answered by ",
            h("code", null, n.answeredBy),
          ),
          h(
            "ul",
            null,
            n.paths.map((p) =>
              h(
                "li",
                null,
                n.kind === "AGENT" && n.agents[0]
                  ? h(
                      "button",
                      {
                        type: "button",
                        class: "evidence",
                        onclick: () => dialog.openConflict(n.agents[0]!.ref, p),
                      },
                      h("code", { class: "where" }, `${p}:${"name"}`),
                    )
                  : h("code", null, p),
              ),
            ),
          ),
        ]),
      );
    }
    fill(root, h("h2", null, "Problems"), ...sections);
  }

  function render(s: ViewState): void {
    const seq = ++renderSeq;
    loadPath(s);
    root.dataset.tab = s.tab;
    const work =
      s.tab === "details"
        ? renderDetails(seq, s)
        : s.tab === "path"
          ? renderPath(seq, s)
          : s.tab === "compare"
            ? renderCompare(seq, s)
            : renderProblems(seq);
    work.catch((e) => deps.showError(e, "Panel"));
  }

  dialog.onNavigate = (ref) => deps.commit({ selected: ref, tab: "details" });
  dialog.load = (ref) =>
    run(Markdown, { ref }).then((d) =>
      d.agent.__typename === "Agent" ? d.agent.markdown : Promise.reject(new Error(d.agent.message)),
    );
  dialog.loadConflict = (ref, p) =>
    run(ConflictFiles, { ref }).then((d) => {
      if (d.agent.__typename !== "Agent") throw new Error(d.agent.message);
      const file = [d.agent, ...d.agent.conflicts].find((f) => f.path === p);
      if (!file) throw new Error(`${p} is no longer part of this conflict`);
      return file.markdown;
    });

  return {
    render,
    refresh(s) {
      details.clear();
      compared.clear();
      problems = {};
      path = null;
      render(s);
    },
    highlight(model) {
      const data = path?.data;
      if (!data) return null;
      const nodes = new Set(data.agents.map((a) => a.id).filter((id) => model.nodes.has(id)));
      const pairs = new Set(data.steps.map((st) => [st.from.id, st.to.id].sort().join("|")));
      const links = new Set<string>();
      for (const l of model.links.values()) if (pairs.has([l.from, l.to].sort().join("|"))) links.add(l.id);
      return { nodes, links };
    },
    addPathTo(model) {
      const data = path?.data;
      if (!data) return;
      for (const a of data.agents)
        model.addNode({
          id: a.id,
          kind: "agent",
          label: a.name,
          ref: a.ref,
          source: a.source.name,
          depth: null,
          root: false,
          hidden: 0,
          candidates: [],
        });
      const edges = data.steps.map((st) => ({
        id: st.collaboration.id,
        kind: st.collaboration.kind,
        from: st.direction === "FORWARD" ? st.from.id : st.to.id,
        to: st.direction === "FORWARD" ? st.to.id : st.from.id,
      }));
      for (const l of mergeEdges(edges)) {
        // A link the graph already has between the same ends keeps the graph's id.
        const known = [...model.links.values()].some(
          (k) => [k.from, k.to].sort().join("|") === [l.from, l.to].sort().join("|"),
        );
        if (!known) model.addLink(l);
      }
    },
    showLink(link) {
      const seq = ++renderSeq;
      const model = deps.getModel();
      const a = model.nodes.get(link.from);
      const b = model.nodes.get(link.to);
      if (!a || !b) return;
      const title = h(
        "h2",
        { "data-testid": "details-title" },
        `${a.label} ${link.directed ? "→" : "—"} ${b.label}`,
      );
      const kinds = h(
        "p",
        { class: "ref" },
        ...link.kinds.map((k) => [kindChip(k), " "]),
        `${link.count} stated`,
      );
      fill(root, title, kinds, h("p", { class: "muted loading" }, "Reading the lines that state it…"));
      // An agent end's collaborations (both ways) whose other end is the link's other end.
      const agentEnd = a.ref ? a : b;
      const other = agentEnd === a ? b : a;
      const isOther = (e: Collab["to"]) =>
        e.__typename === "Agent"
          ? e.id === other.id
          : e.__typename === "UnresolvedAgent" && e.name === other.label;
      agent(agentEnd.ref!).then(
        (d) => {
          if (seq !== renderSeq) return;
          if (typeof d === "string") {
            fill(root, title, kinds, h("p", { class: "error" }, d));
            return;
          }
          const found = [
            ...d.collaborators.filter((c) => isOther(c.to)),
            ...d.dependents.filter((c) => isOther(c.from)),
          ];
          const seen = new Set<string>();
          const lines = found.filter((c) => !seen.has(c.id) && seen.add(c.id));
          fill(
            root,
            title,
            kinds,
            h(
              "ul",
              { class: "edges" },
              lines.map((c) =>
                h(
                  "li",
                  null,
                  h(
                    "div",
                    null,
                    kindChip(c.kind),
                    c.summary ? h("span", { class: "summary" }, ` ${c.summary}`) : null,
                  ),
                  h(
                    "button",
                    {
                      type: "button",
                      class: "evidence",
                      "data-testid": "evidence",
                      onclick: () => dialog.open(c.statedBy.ref, c.statedBy.path, c.evidence.line),
                    },
                    h("code", { class: "where" }, `${c.statedBy.path}:${c.evidence.line}`),
                    h("code", { class: "text" }, c.evidence.text.trim()),
                  ),
                ),
              ),
            ),
          );
        },
        (e) => {
          if (seq === renderSeq) fill(root, title, kinds, h("p", { class: "error" }, (e as Error).message));
        },
      );
    },
    showOpenEnd(node) {
      const seq = ++renderSeq;
      const intro = [
        h("h2", { "data-testid": "details-title" }, node.label),
        h(
          "p",
          { class: "ref" },
          node.kind === "group"
            ? "A group of agents named as a collaborator: not an agent, so it cannot be expanded."
            : "A name no agent of the source has (yet).",
        ),
        node.candidates.length ? h("p", null, `It could mean: ${node.candidates.join(", ")}`) : null,
      ];
      fill(root, ...intro, h("p", { class: "muted loading" }, "Reading the lines that name it…"));
      // The agents linked to it say where: their collaborations whose end is this name.
      const model = deps.getModel();
      const refs = [...model.links.values()]
        .filter((l) => l.from === node.id || l.to === node.id)
        .map((l) => model.nodes.get(l.from === node.id ? l.to : l.from)?.ref)
        .filter((r): r is string => !!r);
      void Promise.all([...new Set(refs)].map((r) => agent(r).catch(() => null))).then((agents) => {
        if (seq !== renderSeq) return;
        const lines = agents.flatMap((a) =>
          a && typeof a !== "string"
            ? [...a.collaborators, ...a.dependents].filter(
                (c) =>
                  (c.to.__typename === "UnresolvedAgent" && c.to.name === node.label) ||
                  (c.from.__typename === "UnresolvedAgent" && c.from.name === node.label),
              )
            : [],
        );
        fill(
          root,
          ...intro,
          h("h3", null, `Named by (${lines.length})`),
          h(
            "ul",
            { class: "edges" },
            lines.map((c) =>
              h(
                "li",
                null,
                h(
                  "div",
                  null,
                  kindChip(c.kind),
                  " in ",
                  h("a", { href: "#", onclick: select(c.statedBy.ref) }, c.statedBy.ref),
                ),
                h(
                  "button",
                  {
                    type: "button",
                    class: "evidence",
                    "data-testid": "evidence",
                    onclick: () => dialog.open(c.statedBy.ref, c.statedBy.path, c.evidence.line),
                  },
                  h("code", { class: "where" }, `${c.statedBy.path}:${c.evidence.line}`),
                  h("code", { class: "text" }, c.evidence.text.trim()),
                ),
              ),
            ),
          ),
        );
      });
    },
  };
}

/**
 * One list of the Problems tab: its heading with the count, an item per node (its children
 * from `item`), or why there is none, and a line when the page is not all of them.
 */
function problemList<T>(
  title: string,
  testId: string,
  page: { totalCount: number; nodes: readonly T[]; pageInfo?: { hasNextPage: boolean } },
  none: string,
  item: (node: T) => Child[],
): HTMLElement {
  return h(
    "section",
    null,
    h("h3", { "data-testid": testId }, `${title} (${page.totalCount})`),
    page.nodes.length
      ? h(
          "ul",
          { class: "problems" },
          page.nodes.map((n) => h("li", null, ...item(n))),
        )
      : h("p", { class: "muted" }, none),
    page.pageInfo?.hasNextPage ? h("p", { class: "muted" }, `Showing the first ${page.nodes.length}.`) : null,
  );
}

/** A problem's first line: its kind as a chip, its name, and what follows. */
function problemHead(kind: string, name: string, ...rest: Child[]): HTMLElement {
  return h(
    "div",
    null,
    h("span", { class: "chip problem" }, kind.toLowerCase()),
    " ",
    h("strong", null, name),
    ...rest,
  );
}

function diffLines(d: Extract<AgentData["diff"], { __typename: "AgentRevisionDiff" }>): string[] {
  const out: string[] = [];
  if (d.model) out.push(`model: ${d.model.from ?? "none"} → ${d.model.to ?? "none"}`);
  if (d.toolsAdded.length) out.push(`tools added: ${d.toolsAdded.map((t) => t.name).join(", ")}`);
  if (d.toolsRemoved.length) out.push(`tools removed: ${d.toolsRemoved.map((t) => t.name).join(", ")}`);
  if (d.skillsAdded.length) out.push(`skills added: ${d.skillsAdded.join(", ")}`);
  if (d.skillsRemoved.length) out.push(`skills removed: ${d.skillsRemoved.join(", ")}`);
  if (d.commandsAdded.length) out.push(`commands added: ${d.commandsAdded.join(", ")}`);
  if (d.commandsRemoved.length) out.push(`commands removed: ${d.commandsRemoved.join(", ")}`);
  for (const c of d.collaborationsAdded) out.push(`+ ${c.kind.toLowerCase()} ${c.from} → ${c.to}`);
  for (const c of d.collaborationsRemoved) out.push(`− ${c.kind.toLowerCase()} ${c.from} → ${c.to}`);
  if (d.descriptionChanged) out.push("description changed");
  if (d.bodyChanged) out.push("body changed");
  return out.length ? out : ["nothing the reader compares"];
}

/** A dialog that shows an agent's file around a line: the "go to" of a page with no editor. */
function sourceDialog() {
  const title = h("h2");
  const body = h("pre", { class: "source" });
  const all = h("button", { type: "button" }, "Whole file");
  const agentLink = h("button", { type: "button" }, "Open the agent");
  const close = h("button", { type: "button", class: "close", "aria-label": "Close" }, "×");
  const dialog = h(
    "dialog",
    { class: "source-dialog", "aria-label": "File" },
    h("header", null, title, agentLink, all, close),
    body,
  );
  document.body.append(dialog);
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog) dialog.close();
  });
  let current: { ref: string; text: string; line: number } | null = null;
  const show = (whole: boolean) => {
    if (!current) return;
    const lines = current.text.split(/\r?\n/);
    const from = whole ? 0 : Math.max(0, current.line - 9);
    const to = whole ? lines.length : Math.min(lines.length, current.line + 8);
    fill(
      body,
      lines.slice(from, to).map((text, i) => {
        const n = from + i + 1;
        return h(
          "span",
          { class: n === current!.line ? "line hit" : "line" },
          h("span", { class: "n" }, String(n)),
          text || " ",
          "\n",
        );
      }),
    );
    body.querySelector(".hit")?.scrollIntoView({ block: "center" });
  };
  all.addEventListener("click", () => show(true));
  const api = {
    onNavigate: (_ref: string) => {},
    load: (_ref: string): Promise<string> => Promise.reject(new Error("not ready")),
    loadConflict: (_ref: string, _path: string): Promise<string> => Promise.reject(new Error("not ready")),
    open(ref: string, path: string, line: number) {
      void this.openWith(ref, path, line, () => api.load(ref));
    },
    openConflict(ref: string, path: string) {
      void this.openWith(ref, path, 0, () => api.loadConflict(ref, path));
    },
    async openWith(ref: string, path: string, line: number, load: () => Promise<string>) {
      title.textContent = line ? `${path}:${line}` : path;
      fill(body, "Loading…");
      agentLink.onclick = () => {
        dialog.close();
        api.onNavigate(ref);
      };
      if (!dialog.open) dialog.showModal();
      try {
        const text = await load();
        // A conflict points at the frontmatter's name line.
        const at = line || Math.max(1, text.split(/\r?\n/).findIndex((l) => /^name\s*:/.test(l)) + 1);
        title.textContent = `${path}:${at}`;
        current = { ref, text, line: at };
        show(false);
      } catch (e) {
        fill(body, h("span", { class: "error" }, (e as Error).message));
      }
    },
  };
  return api;
}
