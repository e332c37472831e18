// The drawing: a graphology graph rendered by Sigma (WebGL), laid out by ForceAtlas2 in a web
// worker so that the page never stops answering, even at the API's largest graph (500 nodes,
// about 3,000 links). The model (model.ts) is copied in; styles are recomputed from what is
// selected, hovered and on the path, which on 3,500 items is a few milliseconds.
import Graph from "graphology";
import { inferSettings } from "graphology-layout-forceatlas2";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import Sigma from "sigma";
import {
  extremityArrow,
  layerDashed,
  layerFill,
  layerPlain,
  pathLine,
  sdfCircle,
  sdfDiamond,
  sdfSquare,
} from "sigma/rendering";
import type { GLink, GNode, GraphModel } from "./model.js";
import { mainKind } from "./model.js";

export const COLORS = {
  HANDOFF: "#2563eb",
  PEER: "#059669",
  MENTION: "#94a3b8",
  agent: "#475569",
  root: "#0f172a",
  unresolved: "#dc2626",
  group: "#9333ea",
  path: "#f59e0b",
  selected: "#e11d48",
  dim: "#cbd5e1",
} as const;

const SOURCE_COLORS = ["#475569", "#0e7490", "#7c3aed", "#b45309", "#be185d", "#4d7c0f", "#1d4ed8"];

export interface Highlight {
  nodes: Set<string>;
  links: Set<string>;
}

export interface GraphViewEvents {
  onClickNode(id: string): void;
  onDoubleClickNode(id: string): void;
  onClickStage(): void;
  onLayout(running: boolean): void;
  onClickLink(id: string): void;
}

type NodeAttrs = Record<string, unknown> & { x: number; y: number };

export class GraphView {
  private readonly graph = new Graph({ type: "directed", multi: false, allowSelfLoops: true });
  private readonly sigma: Sigma;
  private layout: FA2Layout | null = null;
  private layoutTimer: ReturnType<typeof setTimeout> | null = null;
  private selected: string | null = null;
  private hovered: string | null = null;
  private hoveredLink: string | null = null;
  private highlight: Highlight | null = null;
  private readonly sources = new Map<string, string>();
  private model: GraphModel | null = null;

  constructor(
    container: HTMLElement,
    private readonly events: GraphViewEvents,
  ) {
    this.sigma = new Sigma(this.graph, container, {
      primitives: {
        nodes: {
          shapes: [sdfCircle(), sdfDiamond(), sdfSquare()],
          layers: [layerFill()],
          label: { font: { family: "system-ui, sans-serif", size: 12 }, color: "#0f172a" },
        },
        edges: {
          paths: [pathLine()],
          extremities: [extremityArrow()],
          // Per-edge values the layers read: declared here, bound to attributes in `styles`.
          variables: {
            plainColor: { type: "color", default: "#94a3b8" },
            dashColor: { type: "color", default: "#94a3b8" },
            dash: { type: "number", default: 0 },
            gap: { type: "number", default: 0 },
          },
          layers: [
            layerPlain({ color: { attribute: "plainColor" } }),
            layerDashed({
              dashColor: { attribute: "dashColor" },
              dashSize: { attribute: "dash", default: 0 },
              gapSize: { attribute: "gap", default: 0 },
              gapColor: 0,
            }),
          ],
        },
      },
      styles: {
        nodes: {
          x: { attribute: "x" },
          y: { attribute: "y" },
          size: { attribute: "size", defaultValue: 6 },
          color: { attribute: "color", defaultValue: COLORS.agent },
          shape: { attribute: "shape", defaultValue: "circle" },
          label: { attribute: "label" },
          labelVisibility: { attribute: "labelVisibility", defaultValue: "auto" },
          labelColor: { attribute: "labelColor", defaultValue: "#0f172a" },
          depth: (attrs, state) =>
            state.isHovered ? "topNodes" : ((attrs.layer as "nodes" | "topNodes") ?? "nodes"),
          zIndex: { attribute: "z", defaultValue: 0 },
          backdropVisibility: (_attrs, state) => (state.isHovered ? "visible" : "hidden"),
          backdropColor: "#ffffff",
          backdropShadowColor: "rgba(0, 0, 0, 0.4)",
          backdropShadowBlur: 10,
          backdropPadding: 5,
          cursor: "pointer",
        },
        edges: {
          size: { attribute: "size", defaultValue: 1 },
          color: { attribute: "color", defaultValue: COLORS.MENTION },
          head: { attribute: "head", defaultValue: "" },
          plainColor: { attribute: "plainColor", defaultValue: COLORS.MENTION },
          dashColor: { attribute: "dashColor", defaultValue: COLORS.MENTION },
          dash: { attribute: "dash", defaultValue: 0 },
          gap: { attribute: "gap", defaultValue: 0 },
          depth: { attribute: "layer", defaultValue: "edges" },
          zIndex: { attribute: "z", defaultValue: 0 },
        },
        stage: { background: "#f8fafc" },
      },
      settings: {
        renderEdgeLabels: false,
        labelDensity: 0.6,
        labelRenderedSizeThreshold: 7,
        stagePadding: 40,
        // Sizes in pixels whatever the graph's extent (v4's default scales them with positions).
        itemSizesReference: "screen",
        // The camera frames labels too, so that no name is cut at the edge.
        autoRescaleContent: "labels",
        hideEdgesOnMove: false,
        // A click on a link lists the lines that state it.
        enableEdgeEvents: true,
      },
    });
    // Sigma counts any two clicks within its double-click delay as a double click, wherever
    // they land: two quick clicks on two nodes select the second, only two on one node expand it.
    let lastClicked: string | null = null;
    this.sigma.on("clickNode", ({ node }) => {
      lastClicked = node;
      this.events.onClickNode(node);
    });
    this.sigma.on("doubleClickNode", (e) => {
      e.preventSigmaDefault();
      if (e.node === lastClicked) this.events.onDoubleClickNode(e.node);
      else this.events.onClickNode(e.node);
      lastClicked = e.node;
    });
    this.sigma.on("clickStage", () => this.events.onClickStage());
    this.sigma.on("clickEdge", ({ edge }) => this.events.onClickLink(edge));
    this.sigma.on("enterEdge", ({ edge }) => {
      this.hoveredLink = edge;
    });
    this.sigma.on("leaveEdge", () => {
      this.hoveredLink = null;
    });
    this.sigma.on("enterNode", ({ node }) => {
      this.hovered = node;
      this.restyle();
    });
    this.sigma.on("leaveNode", () => {
      this.hovered = null;
      this.restyle();
    });
  }

  /** Copies the model in: new nodes start next to a drawn neighbour, gone ones are dropped. */
  show(model: GraphModel): void {
    this.model = model;
    const g = this.graph;
    for (const id of g.nodes()) if (!model.nodes.has(id)) g.dropNode(id);
    for (const id of g.edges()) if (!model.links.has(id)) g.dropEdge(id);
    const fresh: GNode[] = [];
    for (const node of model.nodes.values()) if (!g.hasNode(node.id)) fresh.push(node);
    const placed = (id: string) => (g.hasNode(id) ? (g.getNodeAttributes(id) as NodeAttrs) : null);
    const neighbours = new Map<string, string[]>();
    for (const l of model.links.values()) {
      neighbours.set(l.from, [...(neighbours.get(l.from) ?? []), l.to]);
      neighbours.set(l.to, [...(neighbours.get(l.to) ?? []), l.from]);
    }
    // Depth rings for a first drawing; beside a placed neighbour for nodes added later.
    const rings = new Map<number, GNode[]>();
    for (const n of fresh) rings.set(n.depth ?? 4, [...(rings.get(n.depth ?? 4) ?? []), n]);
    for (const n of fresh) {
      const near = (neighbours.get(n.id) ?? []).map(placed).find((a) => a !== null);
      let x: number;
      let y: number;
      if (near && g.order > 0) {
        x = near.x + (Math.random() - 0.5) * 20;
        y = near.y + (Math.random() - 0.5) * 20;
      } else {
        const ring = rings.get(n.depth ?? 4) ?? [n];
        const angle = (2 * Math.PI * ring.indexOf(n)) / ring.length + (n.depth ?? 0);
        const radius = 40 * (n.depth ?? 4) + Math.random() * 5;
        x = Math.cos(angle) * radius;
        y = Math.sin(angle) * radius;
      }
      g.addNode(n.id, { x, y });
    }
    for (const l of model.links.values()) {
      if (g.hasEdge(l.id)) continue;
      if (l.from === l.to) continue;
      if (g.hasDirectedEdge(l.from, l.to)) continue;
      g.addDirectedEdgeWithKey(l.id, l.from, l.to, {});
    }
    this.restyle();
    // Sigma keeps the thickness an edge had when it was added: re-read every item once.
    this.sigma.refresh();
    if (fresh.length) this.runLayout();
  }

  setSelected(id: string | null): void {
    this.selected = id;
    this.restyle();
  }

  setHighlight(highlight: Highlight | null): void {
    this.highlight = highlight;
    this.restyle();
  }

  /** Where a point of a link is on the screen: `at` 0 is its source, 1 its target. */
  pointOf(id: string, at: number): { x: number; y: number } | null {
    if (!this.graph.hasEdge(id)) return null;
    const a = this.positionOf(this.graph.source(id));
    const b = this.positionOf(this.graph.target(id));
    return a && b ? { x: a.x + (b.x - a.x) * at, y: a.y + (b.y - a.y) * at } : null;
  }

  /** The link under the pointer, if any. */
  hoveredLinkId(): string | null {
    return this.hoveredLink;
  }

  /** The node under the pointer, if any. */
  hoveredNode(): string | null {
    return this.hovered;
  }

  /** Where a node is on the screen, in CSS pixels of the graph's container. */
  positionOf(id: string): { x: number; y: number } | null {
    const data = this.sigma.getNodeDisplayData(id);
    if (!data) return null;
    return this.sigma.framedGraphToViewport(data);
  }

  fit(): void {
    this.sigma.getCamera().reset({ duration: 300 });
  }

  focus(id: string): void {
    const data = this.sigma.getNodeDisplayData(id);
    if (data) this.sigma.getCamera().animate({ x: data.x, y: data.y, ratio: 0.6 }, { duration: 400 });
  }

  kill(): void {
    this.layout?.kill();
    this.sigma.kill();
  }

  private colorOfSource(source: string | null): string {
    if (!source) return COLORS.agent;
    let c = this.sources.get(source);
    if (!c) {
      c = SOURCE_COLORS[this.sources.size % SOURCE_COLORS.length]!;
      this.sources.set(source, c);
    }
    return c;
  }

  /** Every node's and link's look, from the model and what is selected, hovered, on the path. */
  private restyle(): void {
    const model = this.model;
    if (!model) return;
    const g = this.graph;
    const hl = this.highlight;
    const focus = this.hovered ?? this.selected;
    const near = new Set<string>();
    if (focus && g.hasNode(focus)) for (const n of g.neighbors(focus)) near.add(n);
    const degree = (id: string) => (g.hasNode(id) ? g.degree(id) : 0);
    g.forEachNode((id) => {
      const n = model.nodes.get(id);
      if (!n) return;
      const onPath = hl?.nodes.has(id) ?? false;
      const dimmed =
        id !== this.selected && ((hl && !onPath) || (focus && id !== focus && !near.has(id) && !hl));
      let color: string =
        n.kind === "unresolved"
          ? COLORS.unresolved
          : n.kind === "group"
            ? COLORS.group
            : n.root
              ? COLORS.root
              : this.colorOfSource(n.source);
      if (onPath) color = COLORS.path;
      if (id === this.selected) color = COLORS.selected;
      if (dimmed) color = COLORS.dim;
      // Smaller discs as the graph grows, so that 500 agents still leave room for their links.
      const base = g.order > 200 ? 3 : g.order > 60 ? 4.5 : 6;
      const size =
        (n.root ? base + 6 : n.kind === "agent" ? base : base - 1) +
        Math.min(base, Math.sqrt(degree(id)) / 1.5);
      const label = n.hidden > 0 ? `${n.label} +${n.hidden}` : n.label;
      const important = id === this.selected || id === this.hovered || onPath || n.root || n.kind !== "agent";
      g.mergeNodeAttributes(id, {
        size: id === this.selected ? size + 3 : size,
        color,
        shape: n.kind === "unresolved" ? "diamond" : n.kind === "group" ? "square" : "circle",
        label,
        labelVisibility: important ? "visible" : "auto",
        labelColor: dimmed ? "#94a3b8" : "#0f172a",
        layer: important ? "topNodes" : "nodes",
        z: important ? 2 : dimmed ? 0 : 1,
      });
    });
    g.forEachEdge((id, _attrs, from, to) => {
      const l = model.links.get(id);
      if (!l) return;
      this.styleLink(id, l, hl, focus, from, to);
    });
  }

  private styleLink(
    id: string,
    l: GLink,
    hl: Highlight | null,
    focus: string | null,
    from: string,
    to: string,
  ): void {
    const kind = mainKind(l.kinds);
    const onPath = hl?.links.has(id) ?? false;
    const touchesFocus = focus !== null && (from === focus || to === focus);
    const dimmed = (hl && !onPath) || (focus !== null && !touchesFocus && !hl);
    let color: string = COLORS[kind];
    if (onPath) color = COLORS.path;
    if (dimmed) color = "#e5e7eb";
    const dashed = kind === "MENTION";
    this.graph.mergeEdgeAttributes(id, {
      size:
        (onPath ? 4 : touchesFocus ? 2.5 : this.graph.size > 600 ? 0.8 : 1.5) +
        Math.min(2, (l.count - 1) * 0.5),
      color,
      plainColor: dashed ? "rgba(0,0,0,0)" : color,
      dashColor: color,
      dash: dashed ? 6 : 0,
      gap: dashed ? 4 : 0,
      head: l.directed ? "arrow" : "",
      layer: onPath || touchesFocus ? "topEdges" : "edges",
      z: onPath ? 2 : touchesFocus ? 1 : 0,
    });
  }

  /** ForceAtlas2 in its worker for a while: longer for bigger graphs, never on this thread. */
  private runLayout(): void {
    if (this.layoutTimer) clearTimeout(this.layoutTimer);
    if (!this.layout) {
      this.layout = new FA2Layout(this.graph, {
        settings: { ...inferSettings(Math.max(this.graph.order, 1)), slowDown: 5 },
      });
    }
    this.layout.start();
    this.events.onLayout(true);
    const ms = Math.min(6000, 1500 + this.graph.order * 8);
    this.layoutTimer = setTimeout(() => {
      this.layout?.stop();
      this.layoutTimer = null;
      this.events.onLayout(false);
    }, ms);
  }
}
