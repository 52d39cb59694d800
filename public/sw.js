// Samskab's service worker. `cargo xtask dist` fills in VERSION and PRECACHE (every file of
// the build but this one); a new build therefore means a new worker, which installs in the
// background and waits until the app asks it to take over (the "Ny version klar" banner).
//
// Strategy:
// - install: precache every file of this version into a cache named after the version;
// - activate: delete the caches of other versions, take control of open pages;
// - hashed assets (and the rest of the precache list): cache first, network as fallback;
// - navigations: network first so a new index.html is seen at once, the cached shell when
//   the network or the relay is down;
// - anything else (/api, /healthz, /sync): straight to the network, never cached.
"use strict";

const VERSION = "__SAMSKAB_VERSION__";
const PRECACHE = ["__SAMSKAB_PRECACHE__"];
const CACHE = `samskab-${VERSION}`;
const SHELL = "/index.html";
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // `reload` bypasses the HTTP cache so the precache never holds a stale index.html.
      cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))),
    ),
  );
});

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
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    event.respondWith(navigation(request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(request, url.pathname));
  }
  // Everything else goes to the network untouched.
});

async function navigation(request) {
  try {
    const response = await fetchWithTimeout(request, NAVIGATION_TIMEOUT_MS);
    if (response.ok) return response;
    // A relay that answers but fails (5xx while restarting, say) is no better than none.
    if (response.status < 500) return response;
  } catch (_) {
    // Offline or relay down: fall through to the cached shell.
  }
  const cached = await caches.match(SHELL, { cacheName: CACHE });
  return cached || new Response("Samskab er offline, og appen er ikke gemt på enheden endnu.", {
    status: 503,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

async function cacheFirst(request, path) {
  const cached = await caches.match(path, { cacheName: CACHE });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(path, response.clone());
  }
  return response;
}

function fetchWithTimeout(request, ms) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  return fetch(request, { signal: controller.signal }).finally(() => clearTimeout(timer));
}
