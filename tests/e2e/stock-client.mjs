// A stock JavaScript automerge-repo client (npm @automerge/automerge-repo with
// @automerge/automerge-repo-network-websocket), driven by the relay's interop test
// (server/tests/js_interop.rs): it connects to the relay, finds a document, prints its title,
// then waits until the description becomes the expected text and prints that. Each line on
// stdout is one JSON event. Usage: node stock-client.mjs <ws-url> <automerge-url> <expected>
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

const [relayUrl, docUrl, expected] = process.argv.slice(2);
const timer = setTimeout(() => {
  console.error("stock client: timed out");
  process.exit(2);
}, 20_000);

const repo = new Repo({ network: [new WebSocketClientAdapter(relayUrl)] });
const handle = await repo.find(docUrl);
const doc = handle.doc();
console.log(JSON.stringify({ event: "loaded", kind: doc.kind, title: doc.title, status: doc.status }));

await new Promise((resolve) => {
  const check = () => {
    // Samskab writes text fields as plain strings, which automerge's JS API hands out as
    // ImmutableString objects: compare their string value.
    if (String(handle.doc().description ?? "") === expected) resolve();
  };
  handle.on("change", check);
  check();
});
console.log(JSON.stringify({ event: "changed", description: String(handle.doc().description) }));
clearTimeout(timer);
process.exit(0);
