// The admission of GraphQL requests: a fixed number worked on, a bounded queue, the rest
// refused at once with 503 and Retry-After; a queued request whose signal aborts never runs.
import { describe, expect, it } from "vitest";
import { Admission } from "../../src/server/admission.js";

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe("Admission", () => {
  it("works on `concurrent` at once, queues `queued`, refuses the rest", async () => {
    const admission = new Admission({ concurrent: 2, queued: 1, maxWaitMs: 60_000 });
    const g = gate();
    let started = 0;
    const work = async () => {
      started++;
      await g.opened;
      return new Response("ok");
    };
    const signal = new AbortController().signal;
    const answers = [1, 2, 3, 4, 5].map(() => admission.run(work, signal));
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toBe(2);
    expect(admission.inFlight).toBe(2);
    expect(admission.waiting).toBe(1);
    const refused = await Promise.all(answers.slice(3));
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.headers.get("retry-after")).toBe("1");
      expect(
        ((await r.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
      ).toBe("SERVER_BUSY");
    }
    expect(admission.refused).toBe(2);
    g.open();
    const done = await Promise.all(answers.slice(0, 3));
    expect(done.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(started).toBe(3);
    expect(admission.inFlight).toBe(0);
  });

  it("never starts a queued request whose client left or whose budget is spent", async () => {
    const admission = new Admission({ concurrent: 1, queued: 4, maxWaitMs: 60_000 });
    const g = gate();
    let started = 0;
    const work = async () => {
      started++;
      await g.opened;
      return new Response("ok");
    };
    const first = admission.run(work, new AbortController().signal);
    const leaving = new AbortController();
    const second = admission.run(work, leaving.signal);
    await new Promise((r) => setTimeout(r, 10));
    leaving.abort();
    g.open();
    expect((await first).status).toBe(200);
    const answer = await second;
    expect(answer.status).toBe(503);
    expect(
      ((await answer.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe("REQUEST_TIMEOUT");
    expect(started).toBe(1);
  });
});

describe("Admission, waiters that leave", () => {
  it("frees the queue slot of a waiter whose client left, at once", async () => {
    const admission = new Admission({ concurrent: 1, queued: 1, maxWaitMs: 60_000 });
    const g = gate();
    const work = async () => {
      await g.opened;
      return new Response("ok");
    };
    const first = admission.run(work, new AbortController().signal);
    const leaving = new AbortController();
    const second = admission.run(work, leaving.signal);
    expect(admission.waiting).toBe(1);
    leaving.abort();
    expect((await second).status).toBe(503);
    expect(admission.waiting).toBe(0);
    // The slot it held in the queue is free while the first request still runs.
    const third = admission.run(work, new AbortController().signal);
    expect(admission.waiting).toBe(1);
    expect(admission.refused).toBe(0);
    g.open();
    expect((await first).status).toBe(200);
    expect((await third).status).toBe(200);
    expect(admission.inFlight).toBe(0);
  });
});

describe("Admission, waiting too long", () => {
  it("refuses a waiter no slot freed for within maxWaitMs, and frees its place", async () => {
    const admission = new Admission({ concurrent: 1, queued: 4, maxWaitMs: 20 });
    const g = gate();
    const first = admission.run(async () => {
      await g.opened;
      return new Response("ok");
    }, new AbortController().signal);
    const second = await admission.run(async () => new Response("ok"), new AbortController().signal);
    expect(second.status).toBe(503);
    expect(
      ((await second.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe("SERVER_BUSY");
    expect(admission.waiting).toBe(0);
    expect(admission.refused).toBe(1);
    g.open();
    expect((await first).status).toBe(200);
  });
});
