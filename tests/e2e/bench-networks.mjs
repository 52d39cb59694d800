// Bad-network benchmark (prints numbers, asserts nothing): the release app in headless
// Chromium against the real relay process, with and without 4x CPU throttling (CDP
// Emulation.setCPUThrottlingRate):
// - first visit: bytes on the wire, the page's and the service worker's, and the wasm's share;
//   a repeat visit: the shell's bytes on the wire (none: the service worker's cache);
// - relay killed while the app is open: time until the header says "Offline", and whether it
//   ever said "Online" and "Offline" at once;
// - offline cold start (the relay's port refuses connections) and lie-fi cold start (a
//   listener on the port that accepts and never answers): a new tab opening /opgaver, time
//   from navigation start to the task list and to "Offline" in the header (median of 3).
// Run by `cargo xtask bench`; by hand: SAMSKAB_SERVER_BIN=... SAMSKAB_DIST=... node bench-networks.mjs
import { rm } from "node:fs/promises";
import { Relay, freePort, launchDevice, signIn, tempDir, waitControlled } from "./support.mjs";
import {
  blackHole, connectionIs, headerLog, msUntil, recordHeader, recordWire, saysBoth, shiftsShown, taskListed, wireSummary,
} from "./networks.mjs";

const TASK = "Kioskvagt til hjemmekamp";
const RUNS = Number(process.env.SAMSKAB_BENCH_RUNS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const data = await tempDir("bench-networks");
const relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
const device = await launchDevice();
let hole = null;

/** A new tab opening the app, CPU slowed `rate` times; when the list shows and when "Offline".
 * With `path` a task's page (a link from a text message): when its shifts show with their
 * buttons, which needs the sync engine's chunk and the task's document. */
async function coldStart(rate, path = null) {
  const page = await device.context.newPage();
  try {
    const cdp = await device.context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    await page.goto(`${relay.url}${path ?? "/opgaver"}`, { waitUntil: "commit" });
    const listed = path
      ? await msUntil(page, shiftsShown, null, 60_000)
      : await msUntil(page, taskListed, TASK, 60_000);
    const offline = await msUntil(page, connectionIs, "offline", 60_000).catch(() => NaN);
    const log = await headerLog(page);
    return { listed, offline, online: log.some((e) => e.state === "online"), both: log.some(saysBoth) };
  } finally {
    await page.close();
  }
}

function report(name, results, what = "task list") {
  const listed = results.map((r) => r.listed);
  const offline = results.map((r) => r.offline);
  console.log(
    `${name}: ${what} ${median(listed)} ms (runs ${listed.join(", ")}), "Offline" ${median(offline)} ms ` +
      `(runs ${offline.join(", ")})${results.some((r) => r.online) ? ', said "Online" in a run' : ""}` +
      `${results.some((r) => r.both) ? ', said "Online" and "Offline" at once in a run' : ""}`,
  );
}

try {
  // A visitor without an account: the shell only (the service worker keeps the areas' code
  // for signed-in devices).
  const visitor = await launchDevice();
  try {
    const seen = recordWire(visitor.context);
    const p = await visitor.context.newPage();
    await p.goto(`${relay.url}/opgaver`);
    await p.getByRole("link", { name: TASK }).waitFor();
    await waitControlled(p);
    await p.waitForTimeout(1_000);
    const anon = wireSummary(await seen.entries());
    console.log(`first visit without an account: ${anon.totalBytes} bytes on the wire in all (budget 400000: ${anon.totalBytes <= 400_000 ? "met" : "NOT met"}); the wasm ${anon.fileBytes} bytes in ${anon.downloads} download(s)`);
    // The same visitor again, a new tab: the shell (HTML, JS, wasm, CSS, manifest, icons)
    // comes from the service worker's cache; only the API's data (the published tasks, the
    // directory) and the probe of the relay go over the wire.
    const again = recordWire(visitor.context);
    const q = await visitor.context.newPage();
    await q.goto(`${relay.url}/opgaver`);
    await q.getByRole("link", { name: TASK }).waitFor();
    await q.waitForTimeout(1_000);
    const onWire = (await again.entries()).filter((e) => !e.fromWorker);
    const bytes = (list) => list.reduce((sum, e) => sum + e.body + e.headers, 0);
    // Not the shell: the API, the socket, and the probe that asks whether the relay answers.
    const shell = onWire.filter((e) => !e.path.startsWith("/api/") && !["/sync", "/healthz"].includes(e.path));
    console.log(`repeat visit without an account, a new tab: the shell ${bytes(shell)} bytes on the wire (budget 0: ${bytes(shell) === 0 ? "met" : "NOT met"}${shell.length ? `; ${shell.map((e) => `${e.path} ${e.body + e.headers} B`).join(", ")}` : ""}); the API's data and the connectivity probe ${bytes(onWire) - bytes(shell)} bytes`);
  } finally {
    await visitor.close();
  }

  await recordHeader(device.context);
  const wire = recordWire(device.context);
  await signIn(device.context, relay.url, "anna@demo.samskab.dk");
  const page = await device.context.newPage();
  await page.goto(`${relay.url}/opgaver`);
  await page.getByRole("link", { name: TASK }).waitFor();
  const taskPath = new URL(await page.getByRole("link", { name: TASK }).first().getAttribute("href"), relay.url).pathname;
  await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 60_000 });
  await waitControlled(page);
  // Let the service worker's precache settle (an older worker may still be fetching).
  await page.waitForTimeout(1_000);
  const first = wireSummary(await wire.entries());
  console.log(`first visit signed in: ${first.totalBytes} bytes on the wire in all; the wasm ${first.fileBytes} bytes in ${first.downloads} download(s)`);
  for (const line of first.detail) console.log(`  ${line}`);

  await page.locator('[data-testid="connection"][data-state="online"]').waitFor({ timeout: 30_000 });
  const since = (await headerLog(page)).length;
  const killed = Date.now();
  await relay.stop("SIGKILL");
  const offlineAfter = await page
    .locator('[data-testid="connection"][data-state="offline"]')
    .waitFor({ timeout: 40_000 })
    .then(() => `${Date.now() - killed} ms`, () => "not within 40 s");
  await page.waitForTimeout(1_000);
  const log = (await headerLog(page)).slice(since);
  console.log(`relay killed while open: header "Offline" after ${offlineAfter}; said "Online" and "Offline" at once: ${log.some(saysBoth) ? "yes" : "no"}`);
  await page.close();

  for (const rate of [1, 4]) {
    const cpu = rate === 1 ? "" : `, CPU ${rate}x slower`;
    const refused = [];
    for (let i = 0; i < RUNS; i++) refused.push(await coldStart(rate));
    report(`offline cold start (connection refused${cpu})`, refused);
    const taskPage = [];
    for (let i = 0; i < RUNS; i++) taskPage.push(await coldStart(rate, taskPath));
    report(`offline cold start of a task's page (connection refused${cpu})`, taskPage, "its shifts with their buttons");
    hole = await blackHole(relay.port);
    const liefi = [];
    for (let i = 0; i < RUNS; i++) liefi.push(await coldStart(rate));
    await hole.close();
    hole = null;
    report(`lie-fi cold start (connections accepted, never answered${cpu})`, liefi);
  }
} finally {
  await device.close();
  await hole?.close();
  await relay.stop();
  await rm(data, { recursive: true, force: true });
}
