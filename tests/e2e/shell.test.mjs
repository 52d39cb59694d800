// The app shell as a user meets it: it loads from the real relay, installs its service
// worker, opens from the cache while the relay is down, and notices when it is back.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  DIST, Relay, areaFiles, areasKept, freePort, launchDevice, pollPage, saved, signIn, tempDir, waitControlled,
} from "./support.mjs";

let relay, device, page, data;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  device = await launchDevice();
  page = await device.context.newPage();
  // What the page reports of a failure besides the expected ones (a relay that is down): an
  // area's code that fails to load logs why here, which the test's own assertion cannot say.
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource|WebSocket connection/.test(m.text())) {
      console.log(`page error: ${m.text().slice(0, 500)}`);
    }
  });
});

after(async () => {
  await device?.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

const connection = () => page.locator('[data-testid="connection"]');

/** What the page and its service worker hold, for a failure's message: which worker controls
 * the page, which caches exist and what they hold of the areas' code, how each area file was
 * fetched. */
async function offlineDiagnosis(page) {
  const areas = await areaFiles();
  return JSON.stringify(
    await page.evaluate(async (areas) => {
      const registration = await navigator.serviceWorker.getRegistration();
      const caches_ = {};
      for (const name of await caches.keys()) {
        const keys = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
        caches_[name] = {
          files: keys.length,
          marker: keys.includes("/__samskab-keeps-areas"),
          missingAreas: areas.filter((a) => !keys.includes(a)),
        };
      }
      return {
        controller: navigator.serviceWorker.controller?.scriptURL ?? null,
        active: registration?.active?.state ?? null,
        waiting: registration?.waiting?.state ?? null,
        installing: registration?.installing?.state ?? null,
        caches: caches_,
        meetingsMatch: !!(await caches.match(areas.find((a) => a.includes("split_meetings")))),
        fetched: performance
          .getEntriesByType("resource")
          .filter((e) => e.name.includes(".wasm"))
          .map((e) => `${new URL(e.name).pathname} ${e.transferSize} ${e.responseStatus ?? ""} sw=${e.workerStart > 0}`),
      };
    }, areas),
    null,
    1,
  );
}

test("first visit renders the Danish shell and installs the service worker", async () => {
  await page.goto(relay.url);
  await page.locator('[data-testid="connection"][data-state="online"]').waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "da");
  // Nobody is signed in on this device yet: the open task bank, no menu.
  await page.getByRole("heading", { name: "Opgaver", exact: true }).waitFor();
  assert.equal(await page.getByRole("navigation", { name: "Hovedmenu" }).count(), 0);
  await waitControlled(page);

  const transfer = await page.evaluate(() => {
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
    return {
      requests: entries.length,
      bytes: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0),
      files: entries.map((e) => `${new URL(e.name).pathname} ${e.transferSize}`),
    };
  });
  console.log(`first visit: ${transfer.requests} requests, ${transfer.bytes} bytes transferred`);
  for (const f of transfer.files) console.log(`  ${f}`);
  assert.ok(transfer.bytes > 0, "the first visit transferred something");

  // Logging in is one tap away. A wrong password is refused with a Danish sentence; the
  // right one opens the app.
  await page.getByRole("banner").getByRole("link", { name: "Log ind" }).click();
  await page.getByRole("heading", { name: "Log ind" }).waitFor();
  await page.getByLabel("E-mail").fill("anna@demo.samskab.dk");
  await page.getByLabel("Adgangskode").fill("forkert-forkert");
  // Pressed from the keyboard, the button keeps focus while the relay checks and after the
  // refusal (a disabled button lost it to the page's top, and the next Tab started there).
  const logIn = page.getByRole("main").getByRole("button", { name: "Log ind" });
  await logIn.focus();
  await page.keyboard.press("Space");
  assert.equal(await page.getByTestId("login-error").innerText(), "Forkert e-mail eller adgangskode.");
  assert.ok(await logIn.evaluate((el) => document.activeElement === el), "focus stays on the button");
  await page.keyboard.press("Shift+Tab");
  assert.ok(await page.getByLabel("Adgangskode").evaluate((el) => document.activeElement === el), "Shift+Tab goes back to the password");
  await page.getByLabel("Adgangskode").fill("samskab-demo");
  // Observed after signing in: a page loaded again would not have it.
  await page.evaluate(() => {
    window.samskabTestBeforeLogin = true;
  });
  await page.getByRole("button", { name: "Log ind" }).click();
  await page.getByRole("heading", { name: "Opgaver", exact: true }).waitFor();
  const nav = page.getByRole("navigation", { name: "Hovedmenu" });
  for (const name of ["Opgaver", "Mit CV", "Møder", "Idéer", "Kaffepulje"]) {
    await nav.getByRole("link", { name }).waitFor();
  }
  await page.getByText("Anna Frivillig").waitFor();
  // Signed in, the app starts again in place: the page is not loaded again, the sync
  // engine's chunk (fetched while the form was filled in) is fetched once, and focus moves
  // from the form to the new page's heading.
  assert.equal(await page.evaluate(() => window.samskabTestBeforeLogin), true, "the page was loaded again");
  const engineFetches = await page.evaluate(
    () => performance.getEntriesByType("resource").filter((e) => new URL(e.name).pathname.startsWith("/split_engine-")).length,
  );
  assert.equal(engineFetches, 1);
  await page.waitForFunction(() => document.activeElement?.tagName === "H1", null, { timeout: 5_000 }).catch(() => {});
  assert.equal(await page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`), "H1 Opgaver");
  await saved(page);
  // Signed in, the device keeps every area's code for offline use.
  await areasKept(page);
});

test("with the relay down the app opens from the cache and says offline", async () => {
  await relay.stop();
  await page.reload();
  assert.equal(await page.locator("h1").textContent(), "Opgaver");
  await page.locator('[data-testid="connection"][data-state="offline"]').waitFor();
  assert.match(await connection().textContent(), /Offline/);

  // A deep link the app has never opened is served by the cached shell and routed client-side.
  await page.goto(`${relay.url}/moeder`);
  const heading = await page.locator("h1").textContent();
  assert.equal(heading, "Møder", heading === "Møder" ? "" : await offlineDiagnosis(page));
  assert.equal(await page.title(), "Møder – Samskab");
});

test("when the relay comes back the indicator says online", async () => {
  await relay.start();
  await page.locator('[data-testid="connection"][data-state="online"]').waitFor({ timeout: 30_000 });
  assert.match(await connection().textContent(), /Online/);
});

test("a page that opened past the service worker asks it to take over", async () => {
  // A reload that bypasses the caches (shift-reload) opens the page past the service worker,
  // as a navigation that began before the first worker activated does (the app reloads itself
  // once when it finds a session the device did not know). The page asks the active worker to
  // take it over, so that what it fetches from then on, an area's code say, comes from the
  // worker's cache.
  const cdp = await device.context.newCDPSession(page);
  await cdp.send("Page.reload", { ignoreCache: true });
  await page.locator('[data-testid="connection"]').waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  await cdp.detach();
});

test("English is one tap away and is remembered", async () => {
  await page.getByRole("button", { name: "English" }).click();
  assert.equal(await page.locator("h1").textContent(), "Meetings");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await page.reload();
  assert.equal(await page.locator("h1").textContent(), "Meetings");
  assert.equal(await page.getByRole("button", { name: "English" }).getAttribute("aria-pressed"), "true");
  await page.getByRole("button", { name: "Dansk" }).click();
  assert.equal(await page.locator("h1").textContent(), "Møder");
});

test("a new version waits until the user taps the banner, then takes over", async () => {
  // A second build that differs only in its service worker's version.
  const next = await tempDir("dist-next");
  await cp(DIST, next, { recursive: true });
  const sw = await readFile(join(DIST, "sw.js"), "utf8");
  const changed = sw.replace(/const VERSION = "([0-9a-f]+)";/, 'const VERSION = "$1-next";');
  assert.notEqual(changed, sw, "sw.js carries a version");
  await writeFile(join(next, "sw.js"), changed);
  await rm(join(next, "sw.js.br"));
  await rm(join(next, "sw.js.gz"));

  await relay.stop();
  relay.dist = next;
  await relay.start();
  try {
    await page.goto(relay.url);
    const banner = page.getByRole("button", { name: "Ny version klar - genindlæs" });
    await banner.waitFor({ timeout: 30_000 });
    // Nothing happened behind the user's back: the old version still controls the page.
    assert.equal(await cacheNames(), 1);
    await Promise.all([page.waitForEvent("load"), banner.click()]);
    await waitControlled(page);
    await page.locator("h1").waitFor();
    await pollPage(page, async () => {
      const names = await caches.keys();
      return names.length === 1 && names[0].endsWith("-next");
    }, null, { what: "the old version's cache deleted and the new one's kept" });
    assert.equal(await banner.count(), 0);
  } finally {
    await rm(next, { recursive: true, force: true });
  }
});

async function cacheNames() {
  return page.evaluate(async () => (await caches.keys()).filter((n) => !n.endsWith("-next")).length);
}

/** A phone-sized page without a service worker, signed in as Anna, its tasks synced. */
async function phoneWithoutWorker() {
  const phone = await launchDevice({ serviceWorkers: "block" });
  await signIn(phone.context, relay.url, "anna@demo.samskab.dk");
  const p = await phone.context.newPage();
  await p.setViewportSize({ width: 360, height: 740 });
  await p.goto(`${relay.url}/opgaver`);
  await saved(p);
  return { phone, p };
}

test("an area whose code cannot be fetched says so, the rest keeps working, and it opens once it can", async () => {
  // No service worker (it would have the area cached): the area's code comes from the
  // network, which fails for it as on a phone that went offline before the app was kept.
  const { phone, p } = await phoneWithoutWorker();
  try {
    const area = /\/split_meetings[^/]*\.wasm/;
    await phone.context.route(area, (route) => route.abort("internetdisconnected"));
    const menu = p.getByRole("navigation", { name: "Hovedmenu" });
    await menu.getByRole("link", { name: "Møder" }).click();
    await p.getByRole("heading", { level: 1, name: "Siden er ikke hentet endnu" }).waitFor();
    await p.getByRole("button", { name: "Prøv igen" }).waitFor();
    // The app did not stop: another page opens.
    await menu.getByRole("link", { name: "Opgaver" }).click();
    await p.getByRole("heading", { level: 1, name: "Opgaver" }).waitFor();
    // Once the code can be had, the same menu item opens the page.
    await phone.context.unroute(area);
    await menu.getByRole("link", { name: "Møder" }).click();
    await p.getByRole("heading", { level: 1, name: "Møder" }).waitFor();
  } finally {
    await phone.close();
  }
});

test("without the sync engine's code the task list still opens from the device, and sync starts once the code can be fetched", async () => {
  // No service worker, so the engine's chunk comes from the network each time; the phone
  // signed in and synced once, so its tasks and their index are in IndexedDB.
  const { phone, p } = await phoneWithoutWorker();
  try {
    await p.locator("h2 > a").first().waitFor();
    const titles = await p.locator("h2 > a").allTextContents();
    assert.ok(titles.length > 0, "the demo tasks are listed");

    const engine = /\/split_engine[^/]*\.wasm/;
    let refusedOnce;
    const refused = new Promise((resolve) => (refusedOnce = resolve));
    await phone.context.route(engine, (route) => {
      refusedOnce();
      return route.abort("internetdisconnected");
    });
    await p.reload();
    // The list is the device's own, read from its index without the engine.
    await p.getByRole("heading", { level: 1, name: "Opgaver" }).waitFor();
    await p.getByRole("link", { name: titles[0] }).first().waitFor();
    // The engine is asked for once the documents are read (after the list showed) and refused.
    await refused;
    assert.notEqual(
      await p.locator('[data-testid="sync-status"]').getAttribute("data-state"),
      "saved",
      "nothing claims to be saved without the engine",
    );

    // A task's page shows what the index knows of it, and says its shifts are on their way.
    await p.getByRole("link", { name: titles[0] }).first().click();
    await p.getByRole("heading", { level: 1, name: titles[0] }).waitFor();
    await p.getByTestId("task-loading").waitFor();
    assert.equal(await p.locator('[data-testid="shift"]').count(), 0, "no shift without its document");

    // The network comes back (the browser says so), and the code can be had: sync starts,
    // and the same page shows the shifts with their buttons.
    await phone.context.unroute(engine);
    await phone.context.setOffline(true);
    await phone.context.setOffline(false);
    await saved(p);
    await p.locator('[data-testid="shift"] button').first().waitFor();
    assert.equal(await p.getByTestId("task-loading").count(), 0);
  } finally {
    await phone.close();
  }
});

test("a visitor without an account keeps the shell only; signing in keeps every area's code for offline use", async () => {
  const areas = await areaFiles();
  assert.ok(areas.some((url) => url.startsWith("/split_engine-")), "the sync engine is an area's code");
  const visitor = await launchDevice();
  try {
    const p = await visitor.context.newPage();
    await p.setViewportSize({ width: 360, height: 740 });
    await p.goto(`${relay.url}/opgaver`);
    await p.getByRole("heading", { name: "Opgaver", exact: true }).waitFor();
    // Controlled: installed (the shell is cached) and activated.
    await waitControlled(p);
    const cached = () =>
      p.evaluate(async () => {
        const urls = [];
        for (const name of await caches.keys()) {
          for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
        }
        return urls;
      });
    const before = await cached();
    assert.ok(before.some((url) => /^\/samskab_app-[0-9a-f]{16}\.wasm$/.test(url)), "the main wasm is kept");
    assert.deepEqual(before.filter((url) => areas.includes(url)), [], "no area's code for a visitor");

    await p.getByRole("banner").getByRole("link", { name: "Log ind" }).click();
    await p.getByLabel("E-mail").fill("anna@demo.samskab.dk");
    await p.getByLabel("Adgangskode", { exact: true }).fill("samskab-demo");
    await p.getByRole("button", { name: "Log ind" }).click();
    await saved(p);
    await areasKept(p);
    // Offline, an area never opened on this device opens from what was kept.
    await visitor.context.setOffline(true);
    await p.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Møder" }).click();
    await p.getByRole("heading", { level: 1, name: "Møder" }).waitFor();
  } finally {
    await visitor.close();
  }
});
