// Shared helpers of the browser tests: the real relay process (the binary cargo built) and
// Debian's Chromium with a fresh profile, driven by playwright-core.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before } from "node:test";
import { chromium } from "playwright-core";

const SERVER_BIN = required("SAMSKAB_SERVER_BIN");
export const DIST = required("SAMSKAB_DIST");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the browser tests through \`cargo xtask test\``);
  return value;
}

/** A port that was free a moment ago, kept across relay restarts so the origin stays the same. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function tempDir(prefix) {
  return mkdtemp(join(tmpdir(), `samskab-${prefix}-`));
}

// What a file started and has not stopped yet. A test or hook that fails half-way (a `before`
// that throws after launching a browser, say) leaves these to this last hook: a browser or relay
// left running keeps the file's process alive, and the test run waits for it for ever.
const running = { relays: new Set(), devices: new Set(), sinks: new Set() };
const underTest = process.env.NODE_TEST_CONTEXT !== undefined || /\.test\.mjs$/.test(process.argv[1] ?? "");
if (underTest) after(async () => {
  for (const device of running.devices) await device.close().catch(() => {});
  for (const relay of running.relays) await relay.stop().catch(() => {});
  for (const sink of running.sinks) await sink.stop().catch(() => {});
});
// A test that failed prints what every open page was doing: where it is, how far it started
// (the app's `performance.mark`s), its status line, its first words and its last console lines.
if (underTest) afterEach(async (t) => {
  if (t.passed !== false) return;
  for (const device of running.devices) {
    for (const page of device.context.pages()) {
      if (page.url() === "about:blank") continue;
      console.log(`--- ${t.name}: page ${page.url()}\n${await pageDiagnosis(page)}`);
    }
    console.log(`--- the device's console (last 40 lines):\n${device.log.slice(-40).join("\n")}`);
  }
});

/** What `afterEach` prints of a page, as text; never throws. */
async function pageDiagnosis(page) {
  const state = await page
    .evaluate(() => ({
      marks: performance
        .getEntriesByType("mark")
        .map((m) => `${m.name}@${Math.round(m.startTime)}`)
        .join(" "),
      now: Math.round(performance.now()),
      status: document.querySelector('[data-testid="sync-status"]')?.dataset.state ?? null,
      statusText: document.querySelector('[data-testid="sync-text"]')?.textContent ?? null,
      connection: document.querySelector('[data-testid="connection"]')?.dataset.state ?? null,
      controlled: navigator.serviceWorker?.controller !== null,
      main: (document.querySelector("main")?.innerText ?? "").slice(0, 300),
    }))
    .catch((e) => `(not readable: ${e.message})`);
  return JSON.stringify(state, null, 1);
}

/** The relay process on 127.0.0.1:port, resolved once /healthz answers. */
export class Relay {
  constructor({ port, data, dist = DIST, args = [] }) {
    Object.assign(this, { port, data, dist, args });
    this.url = `http://127.0.0.1:${port}`;
    this.proc = null;
    this.log = "";
  }

  async start() {
    this.proc = spawn(
      SERVER_BIN,
      ["--addr", `127.0.0.1:${this.port}`, "--data", this.data, "--dist", this.dist, ...this.args],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SAMSKAB_LOG: "info" } },
    );
    const keep = (chunk) => { this.log += chunk; };
    running.relays.add(this);
    this.proc.stdout.on("data", keep);
    this.proc.stderr.on("data", keep);
    const exited = new Promise((_, reject) =>
      this.proc.once("exit", (code) => reject(new Error(`relay exited (${code}) before it was ready:\n${this.log}`))),
    );
    await Promise.race([this.waitHealthy(), exited]);
    return this;
  }

  async waitHealthy(timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const res = await fetch(`${this.url}/healthz`);
        if (res.ok) return;
      } catch (_) { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`relay not healthy after ${timeoutMs} ms:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM, then wait for the process to exit. */
  /** SIGTERM, then wait for the process to exit; a relay that has not exited 15 s later is
   * killed and the stop fails, saying so. */
  async stop(signal = "SIGTERM") {
    const proc = this.proc;
    this.proc = null;
    running.relays.delete(this);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const done = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill(signal);
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(() => resolve("late"), 15_000); });
    const outcome = await Promise.race([done, late]);
    clearTimeout(timer);
    if (outcome === "late") {
      proc.kill("SIGKILL");
      await done;
      throw new Error(`the relay did not exit within 15 s of ${signal}:\n${this.log}`);
    }
  }
}

/** Chromium with a fresh profile of its own, as a separate device would be (`timezoneId`:
 * the device's time zone, e.g. "Europe/Copenhagen"; the machine's by default). */
export async function launchDevice({ timezoneId, serviceWorkers } = {}) {
  const profile = await tempDir("profile");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: "da-DK",
    ...(timezoneId ? { timezoneId } : {}),
    ...(serviceWorkers ? { serviceWorkers } : {}),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // The pages' console and uncaught errors, the last 200 lines, for `pageDiagnosis`.
  const log = [];
  const keep = (line) => {
    log.push(line);
    if (log.length > 200) log.shift();
  };
  const watch = (page) => {
    page.on("console", (m) => keep(`${new Date().toISOString()} ${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => keep(`${new Date().toISOString()} pageerror: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  const device = {
    context,
    log,
    close: async () => {
      running.devices.delete(device);
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
  running.devices.add(device);
  return device;
}

/** Resolves when a service worker controls the page. */
export async function waitControlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
}

/** The areas' code (the wasm chunks) the service worker keeps for a signed-in device, from the
 * built `sw.js`. */
export async function areaFiles() {
  const sw = await readFile(join(DIST, "sw.js"), "utf8");
  return JSON.parse(sw.match(/const AREAS = (\[.*?\]);/)[1]);
}

/** Resolves once the service worker keeps every area's code, which a signed-in page asks it
 * to (see `public/sw.js`): every file is in a cache, and the worker has written its marker,
 * which it does once every file's write has finished (a file can be listed while its write
 * is still going on). From then on every area opens offline. */
export async function areasKept(page, timeout = 60_000) {
  await pollPage(
    page,
    async (areas) => {
      const kept = new Set();
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) kept.add(new URL(request.url).pathname);
      }
      return kept.has("/__samskab-keeps-areas") && areas.every((url) => kept.has(url));
    },
    await areaFiles(),
    { timeout, what: "every area's code kept by the service worker" },
  );
}

/** Resolves once `predicate(arg)`, evaluated in the page, resolves truthy; polled every
 * `interval` ms. For predicates that must await (the Cache API): Playwright's
 * `waitForFunction` does not await a predicate's promise, and a promise is truthy, so it
 * resolves at once whatever the predicate would say. A page navigating meanwhile (its context
 * gone mid-evaluation) is asked again. */
export async function pollPage(page, predicate, arg, { timeout = 30_000, interval = 250, what = "the page's state" } = {}) {
  const until = Date.now() + timeout;
  let failed = null;
  for (;;) {
    try {
      if (await page.evaluate(predicate, arg)) return;
      failed = null;
    } catch (e) {
      failed = e;
    }
    if (Date.now() > until) throw new Error(`waited ${timeout} ms for ${what}${failed ? ` (last: ${failed.message})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Signs a device in through the API (the session cookie lands in the browser context). */
export async function signIn(context, relayUrl, email, password = "samskab-demo") {
  const res = await context.request.post(`${relayUrl}/api/login`, { data: { email, password } });
  if (!res.ok()) throw new Error(`login ${email}: ${res.status()}`);
  return (await res.json()).user;
}

/** Resolves once every change on the page is saved at the relay: the status line says so,
 * state and words at one moment (read one after the other, the state could be "saved" and the
 * words already the next state's). */
export async function saved(page, timeout = 45_000) {
  await page
    .locator('[data-testid="sync-status"][data-state="saved"]')
    .getByTestId("sync-text")
    .filter({ hasText: /^Alt er gemt på serveren$/ })
    .waitFor({ timeout });
}

/** The relay with the demo data for one test file: started at once (the file's tests wait
 * for it; a `before` hook of the file's own awaits `ready` first), stopped after them with
 * its data directory removed, and every device pushed onto `devices` closed first. Read
 * `relay` in tests and hooks: it is set once started. */
export function demoRelayForFile() {
  const world = { relay: undefined, devices: [], ready: undefined };
  let data;
  world.ready = (async () => {
    data = await tempDir("data");
    world.relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  })();
  before(() => world.ready);
  after(async () => {
    for (const d of world.devices) await d.close();
    await world.relay?.stop();
    await rm(data, { recursive: true, force: true });
  });
  return world;
}

/** A Danish device (its times are Danish local times) signed in as `email`, with a page of
 * `viewport` size open at `path` and everything saved. */
export async function openSignedIn(relay, path, email, viewport) {
  const device = await launchDevice({ timezoneId: "Europe/Copenhagen" });
  await signIn(device.context, relay.url, email);
  const page = await device.context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(`${relay.url}${path}`);
  await saved(page);
  return { device, page };
}

/** Registers a new volunteer from a device (signed in afterwards). */
export async function registerVolunteer(context, relayUrl, name) {
  const email = `${name.toLowerCase()}-${Date.now()}@example.dk`;
  const res = await context.request.post(`${relayUrl}/api/register`, {
    data: { name, email, password: "en god lang kode" },
  });
  if (!res.ok()) throw new Error(`register ${name}: ${res.status()}`);
  return (await res.json()).user;
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Base58check, as automerge-repo writes document ids. */
function base58check(payload) {
  const sha = (b) => createHash("sha256").update(b).digest();
  const bytes = Buffer.concat([payload, sha(sha(payload)).subarray(0, 4)]);
  let n = BigInt(`0x${bytes.toString("hex")}`);
  let out = "";
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

/** The id of a person's profile document (see `model::profile::profile_document_id`). */
export function profileDocumentId(personId) {
  const digest = createHash("sha256").update("samskab-profile:").update(personId).digest();
  return base58check(digest.subarray(0, 16));
}

/** The document ids a page's IndexedDB holds (`store`: "docs", or "index" for the ids
 * that have an entry in the device's index of its documents, and its own record `@meta`).
 * Read only. The app writes pages (app/src/store/page.rs): a record whose key starts with
 * "~" holds many, each a key and its value or its deletion, and a later one overrides an
 * earlier; records of other keys (from apps before pages) are one document each. Read here
 * with a decoder of its own, from the format as documented. */
export async function storedDocuments(page, store = "docs") {
  return page.evaluate(
    (store) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("samskab");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          if (!open.result.objectStoreNames.contains(store)) return resolve([]);
          const tx = open.result.transaction(store, "readonly");
          const keys = tx.objectStore(store).getAllKeys();
          const values = tx.objectStore(store).getAll();
          values.onerror = () => reject(values.error);
          values.onsuccess = () => {
            const live = new Set();
            const text = new TextDecoder("utf-8", { fatal: true });
            keys.result.forEach((key, i) => {
              if (!key.startsWith("~")) return live.add(key);
              const bytes = values.result[i];
              const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
              if (bytes[0] !== 1) throw new Error(`page ${key} of version ${bytes[0]}`);
              let at = 1;
              while (at < bytes.length) {
                const keyLength = view.getUint32(at, true);
                const name = text.decode(bytes.subarray(at + 4, at + 4 + keyLength));
                at += 4 + keyLength;
                const valueLength = view.getUint32(at, true);
                at += 4;
                if (valueLength === 0xffffffff) {
                  live.delete(name);
                } else {
                  live.add(name);
                  at += valueLength;
                }
              }
              if (at !== bytes.length) throw new Error(`page ${key} cut short`);
            });
            resolve([...live]);
          };
        };
      }),
    store,
  );
}

/** The ids with an entry in a page's index of its documents (IndexedDB store `index`). */
export const indexedDocuments = (page) => storedDocuments(page, "index");

/** A real SMTP server (tests/smtp_sink.py, aiosmtpd) on a port the OS picks. */
export class SmtpSink {
  async start() {
    const { fileURLToPath } = await import("node:url");
    this.dir = await tempDir("smtp");
    const script = fileURLToPath(new URL("../smtp_sink.py", import.meta.url));
    this.proc = spawn("python3", [script, this.dir], { stdio: ["pipe", "pipe", "inherit"] });
    running.sinks.add(this);
    this.port = await new Promise((resolve, reject) => {
      let out = "";
      this.proc.stdout.on("data", (chunk) => {
        out += chunk;
        const m = out.match(/PORT (\d+)/);
        if (m) resolve(Number(m[1]));
      });
      this.proc.once("exit", (code) => reject(new Error(`the SMTP sink exited (${code}); is aiosmtpd installed?`)));
    });
    return this;
  }

  /** Every message received so far, decoded: {rcpt_tos, from, to, subject, body}. */
  async messages() {
    const { readdir, readFile } = await import("node:fs/promises");
    const names = (await readdir(this.dir)).filter((n) => n.endsWith(".json")).sort();
    return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(this.dir, n), "utf8"))));
  }

  /** Resolves with all messages once `n` have arrived (at most 20 s). */
  async waitFor(n, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await this.messages();
      if (got.length >= n) return got;
      if (Date.now() > deadline) throw new Error(`${got.length} of ${n} mails arrived in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Resolves with the first message `matches` accepts, once one has arrived (at most 20 s). */
  async waitForMail(matches, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.messages()).find(matches);
      if (found) return [found];
      if (Date.now() > deadline) throw new Error(`no such mail arrived in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop() {
    running.sinks.delete(this);
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const done = new Promise((resolve) => this.proc.once("exit", resolve));
    this.proc.stdin.end();
    this.proc.kill();
    await done;
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** `days` from today as a date input wants it (YYYY-MM-DD, local time). */
export function inDays(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
