// The JavaScript automerge-repo sync server for `cargo xtask bench`, configured exactly as
// `@automerge/automerge-repo-sync-server` (src/server.js) configures it: a Repo with the
// WebSocket server adapter, file storage in DATA_DIR and `sharePolicy: false`. It differs only
// in listening on 127.0.0.1 (the package's server listens on every interface). xtask copies
// this file next to the package's node_modules before starting it.
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
new Repo({
  network: [new NodeWSServerAdapter(socket)],
  storage: new NodeFSStorageAdapter(dir),
  peerId: "storage-server-bench",
  sharePolicy: async () => false,
});
const server = http.createServer((_, res) => res.end("running"));
server.on("upgrade", (request, s, head) => {
  socket.handleUpgrade(request, s, head, (ws) => socket.emit("connection", ws, request));
});
server.listen(port, "127.0.0.1");
