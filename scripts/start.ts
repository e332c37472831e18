// npm start: the Node server with the environment's configuration.
import { main } from "../src/node.js";

await main();
