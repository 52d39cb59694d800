// Samskab's service worker. `cargo xtask dist` fills in VERSION and PRECACHE (every file of
// the build but this one); a new build therefore means a new worker, which installs in the
// background and waits until the app asks it to take over (the "Ny version klar" banner).
//
// Strategy:
// - install: precache the shell of this version (every file but the areas' code and the icons
//   only an install uses, see `is_install_icon` in xtask/src/dist.rs) into a cache
//   named after the version. Files whose names carry a content hash are taken from the HTTP
//   cache when the page has just downloaded them (they never change under their name), so a
//   first visit transfers the app once; the others (index.html, the manifest, icons) are
//   revalidated with the relay, so the precache never holds a stale copy;
// - the areas' code (AREAS: the wasm chunks of the sync engine and of every area but the task
//   list) is kept once a signed-in page asks ("keep-areas"), and from then on by every new
//   version at its install (a marker in the cache remembers it): a visitor without an account
//   downloads the shell and what they open, not every area of the app;
// - activate: delete the caches of other versions, take control of open pages;
// - navigations: the cached shell at once, whatever the network does (a dead router that
//   answers nothing must not hold the screen blank). The shell belongs to this version; a new
//   version arrives as a new worker: the browser checks for one after every navigation, and
//   the worker asks once more itself, both in the background;
// - hashed assets (and the rest of the precache list): cache first, network as fallback;
// - anything else (/api, /healthz, /readyz, /sync): straight to the network, never cached.
"use strict";

const VERSION = "__SAMSKAB_VERSION__";
const PRECACHE = ["__SAMSKAB_PRECACHE__"];
const AREAS = ["__SAMSKAB_AREAS__"];
// In the cache when this device keeps the areas' code (see "keep-areas").
const KEEPS_AREAS = "/__samskab-keeps-areas";
const CACHE = `samskab-${VERSION}`;
const SHELL = "/index.html";
// Paths the relay answers itself: never the app shell, even when navigated to.
const NETWORK_ONLY = /^\/(api|healthz|readyz|sync)(\/|$)/;
// `name-<16 hex digits>.ext`, as `cargo xtask dist` names content-hashed files.
const HASHED = /-[0-9a-f]{16}\.[^/]+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const keeps = await keepsAreas();
      const cache = await caches.open(CACHE);
      await cache.addAll(
        PRECACHE.map((url) => new Request(url, { cache: HASHED.test(url) ? "default" : "no-cache" })),
      );
      if (keeps) await keepAreas(cache);
    })(),
  );
});

/** Whether a cache of this or an earlier version keeps the areas' code. */
async function keepsAreas() {
  for (const name of await caches.keys()) {
    if (name.startsWith("samskab-") && (await (await caches.open(name)).match(KEEPS_AREAS))) return true;
  }
  return false;
}

/** Puts every area's code in `cache`, and the marker that says so. Only what the cache lacks
 * is fetched, and each file is written only once its whole body has arrived, and only if the
 * cache still lacks it: a file already kept is never replaced, and no write of ours can leave
 * one half-written. A keep cut short keeps what had arrived; the next one fetches the rest. */
async function keepAreas(cache) {
  await Promise.all(AREAS.map((url) => keepFile(cache, url)));
  await cache.put(KEEPS_AREAS, new Response("1"));
}

/** Fetches `url` into `cache` unless it is there, writing it only once it has arrived whole. */
async function keepFile(cache, url) {
  if (await cache.match(url)) return;
  const response = await fetch(new Request(url, { cache: "default" }));
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  await whole(response);
  if (await cache.match(url)) return;
  await cache.put(url, response);
}

/** Resolves once `response`'s whole body has arrived (a clone is read to the end; the
 * response keeps its own copy), so that writing it to a cache cannot fail half-way. */
async function whole(response) {
  await response.clone().arrayBuffer();
}

// The keep in progress: the pages' "keep-areas" messages (every signed-in start sends one, a
// login too) share it instead of running side by side.
let keeping = null;

/** Keeps every area's code in this version's cache unless it does already; one at a time. */
function keepAreasOnce() {
  keeping ??= (async () => {
    const cache = await caches.open(CACHE);
    if (!(await cache.match(KEEPS_AREAS))) await keepAreas(cache);
  })().finally(() => {
    keeping = null;
  });
  return keeping;
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith("samskab-") && name !== CACHE)
          .map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
  // A page this worker does not control, though it is active: one whose navigation began
  // before the worker activated (the app reloads itself once when it finds a session the
  // device did not know, and the first worker's `clients.claim()` can fall between the old
  // page going and the new one arriving). Without this it stays uncontrolled, and not
  // offline-ready, until its next navigation.
  if (event.data === "claim") event.waitUntil(self.clients.claim());
  // A signed-in page (at every start): keep every area's code, for offline use, unless this
  // version's cache already does.
  if (event.data === "keep-areas") event.waitUntil(keepAreasOnce());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NETWORK_ONLY.test(url.pathname)) return;

  if (request.mode === "navigate") {
    event.respondWith(navigation(request, url.pathname));
    // Look for a new version without holding the page: a waiting worker shows the banner.
    event.waitUntil(self.registration.update().catch(() => {}));
  } else if (PRECACHE.includes(url.pathname) || AREAS.includes(url.pathname)) {
    event.respondWith(cacheFirst(request, url.pathname));
  }
  // Everything else goes to the network untouched.
});

async function navigation(request, path) {
  // A file of the app opened directly (the manifest, an icon) is that file; every other path
  // is a route of the app, which the shell routes on the device.
  const cached =
    (PRECACHE.includes(path) && (await caches.match(path, { cacheName: CACHE }))) ||
    (await caches.match(SHELL, { cacheName: CACHE }));
  if (cached) return cached;
  // The cache was evicted under us: the network is all there is.
  try {
    return await fetch(request);
  } catch (_) {
    return new Response("Samskab er offline, og appen er ikke gemt på enheden endnu.", {
      status: 503,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

async function cacheFirst(request, path) {
  // A file whose name carries its content's hash is the same in any version's cache: one kept
  // by another cache of this origin serves as well as the network would.
  const cached =
    (await caches.match(path, { cacheName: CACHE })) || (HASHED.test(path) ? await caches.match(path) : undefined);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    // Written only once it has arrived whole, and only if no keep wrote it meanwhile (see
    // `keepAreas`).
    const copy = response.clone();
    await whole(copy);
    const cache = await caches.open(CACHE);
    if (!(await cache.match(path))) await cache.put(path, copy);
  }
  return response;
}
