// The graph explorer's build: `npm run build:explorer` (scripts/build-explorer.ts) runs it into
// dist/assets/explore/, which the Worker serves as static assets and the Node server from disk
// (src/server/explorer.ts). Hashed file names under assets/ (cached for a year), no inlined
// data: URLs (the page's CSP allows 'self' only), and every text file precompressed next to
// itself (.br, .gz) for the Node server; wrangler skips those (dist/assets/.assetsignore).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

export const EXPLORER_OUT = resolve(import.meta.dirname, "../dist/assets/explore");

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Writes `<file>.br` and `<file>.gz` beside every text file of the build. */
function precompress(): Plugin {
  return {
    name: "agentry-precompress",
    apply: "build",
    closeBundle() {
      for (const file of filesUnder(EXPLORER_OUT)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const body = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 11,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
        );
      }
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: "/explore/",
  publicDir: false,
  logLevel: "warn",
  build: {
    outDir: EXPLORER_OUT,
    emptyOutDir: true,
    assetsDir: "assets",
    assetsInlineLimit: 0,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
    // Sigma and graphology are most of it (about 130 KB gzipped in all).
    chunkSizeWarningLimit: 800,
  },
  plugins: [precompress()],
});
