// Bad networks for the browser tests and the benchmark: a black hole where the relay was (a
// dead club-house router: connections are accepted and never answered), what went over the
// wire (the page's requests and the service worker's), and what the header said over time.
import { createServer } from "node:net";

/** A TCP listener on 127.0.0.1:port that accepts every connection and never answers. */
export async function blackHole(port) {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  let accepted = 0;
  server.on("connection", () => { accepted += 1; });
  return {
    accepted: () => accepted,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Records every finished request of a browser context, the service worker's included
 * (playwright-core reports them on the context), with the bytes that came over the wire:
 * CDP's `encodedDataLength`, body as sent plus headers. A response from the HTTP cache came
 * over no wire: playwright-core reports it with its headers' size and a body of minus that
 * (their sum, the encoded length, is 0), so it counts 0 here, not its headers.
 * Requests the service worker answered are marked: their bytes are not the network's.
 */
export function recordWire(context) {
  const entries = [];
  const pending = [];
  context.on("requestfinished", (request) => {
    pending.push((async () => {
      // A request that finishes as its page or context closes has neither any more: it is
      // left out (unhandled, the rejection ended the whole run).
      let response, sizes;
      try {
        response = await request.response();
        sizes = await request.sizes();
      } catch (_) {
        return;
      }
      const body = Math.max(0, sizes.responseBodySize);
      const wire = Math.max(0, sizes.responseBodySize + sizes.responseHeadersSize);
      entries.push({
        path: new URL(request.url()).pathname,
        byWorker: request.serviceWorker() !== null,
        fromWorker: response?.fromServiceWorker() ?? false,
        status: response?.status() ?? 0,
        body,
        headers: wire - body,
      });
    })());
  });
  return {
    /** Every entry so far, once the sizes of those already finished are known. */
    async entries() {
      await Promise.all(pending);
      return entries.slice();
    },
  };
}

/** Sums a wire record: all bytes, and the transfers of one kind of file. */
export function wireSummary(entries, suffix = ".wasm") {
  const onWire = entries.filter((e) => !e.fromWorker);
  const bytes = (list) => list.reduce((sum, e) => sum + e.body + e.headers, 0);
  const files = onWire.filter((e) => e.path.endsWith(suffix));
  // A body from the HTTP cache reports no body bytes; a real download reports the file.
  const downloads = files.filter((e) => e.body > 1024);
  return {
    totalBytes: bytes(onWire),
    fileBytes: bytes(files),
    downloads: downloads.length,
    detail: files.map((e) => `${e.path} ${e.byWorker ? "(service worker)" : "(page)"} status ${e.status}, body ${e.body} B, headers ${e.headers} B`),
  };
}

/**
 * From now on, every page of the context records the header's connection indicator and sync
 * line (their text, at each change) in `window.__samskabHeader`; read it with [`headerLog`].
 */
export async function recordHeader(context) {
  await context.addInitScript(() => {
    const seen = [];
    window.__samskabHeader = seen;
    const look = () => {
      const connection = document.querySelector('[data-testid="connection"]');
      if (!connection) return;
      const sync = document.querySelector('[data-testid="sync-status"]');
      const entry = {
        state: connection.dataset.state,
        connection: connection.querySelector(".connection-label")?.textContent ?? "",
        sync: sync?.querySelector('[data-testid="sync-text"]')?.textContent ?? "",
      };
      const last = seen[seen.length - 1];
      if (!last || last.state !== entry.state || last.connection !== entry.connection || last.sync !== entry.sync) {
        seen.push({ at: Math.round(performance.now()), ...entry });
      }
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

/** What the header said since the page's navigation began (see [`recordHeader`]). */
export async function headerLog(page) {
  return page.evaluate(() => window.__samskabHeader ?? []);
}

/** Whether one moment of the header said both "Online" and "Offline". */
export function saysBoth(entry) {
  const text = `${entry.connection} ${entry.sync}`;
  return /\bOnline\b/.test(text) && /\bOffline\b/.test(text);
}

/**
 * Milliseconds from the page's navigation start until `predicate(arg)` holds, read in the page
 * in the frame it first holds (polled every animation frame). The predicate returns
 * `performance.now()` when it holds (the page's CSP forbids evaluating strings, so the
 * predicate cannot be wrapped here).
 */
export async function msUntil(page, predicate, arg, timeout = 30_000) {
  const handle = await page.waitForFunction(predicate, arg, { polling: "raf", timeout });
  return Math.round(await handle.jsonValue());
}

/** When the header's connection indicator is in `state` ("online", "offline", "checking"). */
export function connectionIs(state) {
  return document.querySelector('[data-testid="connection"]')?.dataset.state === state && performance.now();
}

/** When a task's page shows its shifts, each with its button (sign up, withdraw or full). */
export function shiftsShown() {
  const shifts = [...document.querySelectorAll('[data-testid="shift"]')];
  return shifts.length > 0 && shifts.every((s) => s.querySelector("button")) && performance.now();
}

/** When the task list shows a link to the task titled `title`. */
export function taskListed(title) {
  return [...document.querySelectorAll("a")].some((a) => a.textContent.includes(title)) && performance.now();
}
