// GET /metrics: the Prometheus text the server exposes (switched off by AGENTRY_METRICS=off).
import type { GraphCache } from "../cache/graph-cache.js";
import { ResilientStore, resilienceMetricsLines } from "../cache/resilient.js";
import type { Admission } from "./admission.js";

/**
 * Prometheus text format: the graph cache's hits, misses, single-flight joins and errors, and
 * the GraphQL requests in flight, waiting and refused (./admission.ts).
 */
export function metricsText(cache: GraphCache | null, admission: Admission | null): string {
  const m = cache?.metrics ?? { hits: 0, misses: 0, joined: 0 };
  const errors = cache && cache.store instanceof ResilientStore ? cache.store.errors : 0;
  const store = cache?.store.kind ?? "none";
  return [
    "# HELP agentry_graph_cache_requests_total agentGraph reads by cache outcome.",
    "# TYPE agentry_graph_cache_requests_total counter",
    `agentry_graph_cache_requests_total{result="hit",store="${store}"} ${m.hits}`,
    `agentry_graph_cache_requests_total{result="miss",store="${store}"} ${m.misses}`,
    `agentry_graph_cache_requests_total{result="joined",store="${store}"} ${m.joined}`,
    "# HELP agentry_cache_errors_total Cache store failures answered from the database instead.",
    "# TYPE agentry_cache_errors_total counter",
    `agentry_cache_errors_total{store="${store}"} ${errors}`,
    ...(admission ? admissionLines(admission) : []),
    ...(cache && cache.store instanceof ResilientStore ? resilienceMetricsLines(cache.store) : []),
    "",
  ].join("\n");
}

function admissionLines(admission: Admission): string[] {
  return [
    "# HELP agentry_requests_in_flight GraphQL requests being worked on.",
    "# TYPE agentry_requests_in_flight gauge",
    `agentry_requests_in_flight ${admission.inFlight}`,
    "# HELP agentry_requests_waiting GraphQL requests waiting for a slot.",
    "# TYPE agentry_requests_waiting gauge",
    `agentry_requests_waiting ${admission.waiting}`,
    "# HELP agentry_requests_refused_total GraphQL requests refused because the queue was full.",
    "# TYPE agentry_requests_refused_total counter",
    `agentry_requests_refused_total ${admission.refused}`,
  ];
}
