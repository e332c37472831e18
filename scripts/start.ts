// npm start: the Node server with the environment's configuration, as `agentry serve`.
import { isExplained, serveCommand } from "../src/cli/serve-command.js";

try {
  await serveCommand({});
} catch (e) {
  if (!isExplained(e)) throw e;
  process.stderr.write(`agentry: ${e.message}\n`);
  process.exit(1);
}
