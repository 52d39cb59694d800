// The JavaScript automerge-repo sync server for `cargo xtask bench`, configured exactly as
// `@automerge/automerge-repo-sync-server` (src/server.js) configures it: a Repo with the
// WebSocket server adapter, file storage in DATA_DIR and `sharePolicy: false`. It differs in
// listening on 127.0.0.1 (the package's server listens on every interface), and in opening the
// port only once the adapter listens for connections: the Repo connects its adapter after
// reading its storage id from disk, and the package's server, listening at once, lets a client
// that connects within those first milliseconds upgrade to a WebSocket nobody reads (the bench
// connects as soon as the port opens). xtask copies this file next to the package's
// node_modules before starting it.
import fs from "node:fs";
import http from "node:http";
import { WebSocketServer } from "ws";
import { Repo } from "@automerge/automerge-repo";
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";

const dir = process.env.DATA_DIR ?? ".amrg";
fs.mkdirSync(dir, { recursive: true });
const port = Number(process.env.PORT ?? 3030);
const socket = new WebSocketServer({ noServer: true });
let adapterListens;
const listening = new Promise((resolve) => (adapterListens = resolve));
class Adapter extends NodeWSServerAdapter {
  connect(peerId, peerMetadata) {
    super.connect(peerId, peerMetadata);
    adapterListens();
  }
}
new Repo({
  network: [new Adapter(socket)],
  storage: new NodeFSStorageAdapter(dir),
  peerId: "storage-server-bench",
  sharePolicy: async () => false,
});
await listening;
const server = http.createServer((_, res) => res.end("running"));
server.on("upgrade", (request, s, head) => {
  socket.handleUpgrade(request, s, head, (ws) => socket.emit("connection", ws, request));
});
server.listen(port, "127.0.0.1");
