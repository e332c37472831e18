// Content hashes: node:crypto where it exists (synchronous and several times faster per call
// than Web Crypto for many small files), Web Crypto on Workers.
const encoder = new TextEncoder();

type NodeHash = (text: string) => string;
let nodeHash: NodeHash | null | undefined;

async function loadNodeHash(): Promise<NodeHash | null> {
  if (typeof process === "undefined" || !process.versions?.node) return null;
  try {
    const { createHash } = await import("node:crypto");
    return (text) => createHash("sha256").update(text, "utf8").digest("hex");
  } catch {
    return null;
  }
}

export async function sha256(text: string): Promise<string> {
  if (nodeHash === undefined) nodeHash = await loadNodeHash();
  if (nodeHash) return nodeHash(text);
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
