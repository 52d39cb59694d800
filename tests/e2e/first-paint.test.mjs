// The first paint: what a phone shows before the app's code has arrived (index.html and
// public/paint.js). The app's wasm is held back at the network until the test lets it through,
// so what is checked is the page as a slow line shows it; then the app takes over, and the
// page must say the same thing in the same place, without moving what the reader sees.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Relay, freePort, launchDevice, signIn, tempDir } from "./support.mjs";

let relay, device, data;
const PHONE = { width: 390, height: 800 };

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  // No service worker: the held wasm must be asked of the network on every load.
  device = await launchDevice({ serviceWorkers: "block" });
});

after(async () => {
  await device?.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

/** Opens `path` on a phone-sized page with the app's main wasm held back; returns the page
 * and `release()`, which lets the wasm through. Layout shifts are recorded from the start. */
async function openHeld(path) {
  const page = await device.context.newPage();
  await page.setViewportSize(PHONE);
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
    }).observe({ type: "layout-shift", buffered: true });
  });
  let release;
  const released = new Promise((resolve) => (release = resolve));
  await page.route(/\/samskab_app-[0-9a-f]{16}\.wasm$/, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(`${relay.url}${path}`);
  return { page, release };
}

const firstTask = (page) => page.getByTestId("task-list").getByRole("link").first();
const appStarted = (page) => page.locator('[data-testid="connection"]').waitFor();
const box = async (locator) => {
  const b = await locator.boundingBox();
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width) };
};
const layoutShift = (page) => page.evaluate(() => window.__shifts.reduce((a, b) => a + b, 0));

test("a visitor's task list shows its heading and introduction before the app's code, in the app's words and place", async () => {
  const { page, release } = await openHeld("/opgaver");
  const heading = page.getByRole("heading", { name: "Opgaver", exact: true });
  await heading.waitFor();
  const intro = page.locator("p.lead");
  const before = { text: (await intro.innerText()).trim(), heading: await box(heading), intro: await box(intro) };
  assert.match(before.text, /^Find en frivillig opgave, der passer til dig\. Log ind eller opret en konto$/);
  // The link works before the app does: it is an ordinary link to the login page.
  assert.equal(await page.getByRole("link", { name: "Log ind eller opret en konto" }).getAttribute("href"), "/log-ind");
  assert.equal(await page.getByRole("status").innerText(), "Indlæser …");
  assert.equal(await page.getAttribute("html", "lang"), "da");
  await page.getByRole("banner").getByRole("link", { name: "Log ind", exact: true }).waitFor();
  // The skip link is there from the first paint, as in the app.
  assert.equal(await page.getByRole("link", { name: "Gå til indhold" }).getAttribute("href"), "#main");
  // Nothing of the app yet: the wasm is still held.
  assert.equal(await page.locator('[data-testid="connection"]').count(), 0);

  release();
  await appStarted(page);
  await firstTask(page).waitFor();
  assert.equal((await intro.innerText()).trim(), before.text, "the app says what the first paint said");
  assert.deepEqual(await box(heading), before.heading, "the heading stays where it was");
  assert.deepEqual(await box(intro), before.intro, "the introduction stays where it was");
  const shift = await layoutShift(page);
  assert.ok(shift < 0.05, `layout shift ${shift} while the app took over and the tasks arrived`);
  await page.close();
});

test("the login page's first paint is its heading and introduction; English is chosen there and kept", async () => {
  // Danish, as a first visitor sees it.
  let { page, release } = await openHeld("/log-ind");
  await page.getByRole("heading", { name: "Log ind", exact: true }).waitFor();
  const danish = (await page.locator("p.lead").innerText()).trim();
  // The header's language buttons work before the app does, and the app keeps the choice.
  await page.getByRole("group", { name: "Sprog i appen" }).getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { name: "Log in", exact: true }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await page.getByRole("button", { name: "English" }).getAttribute("aria-pressed"), "true");
  const englishBefore = (await page.locator("p.lead").innerText()).trim();
  release();
  await appStarted(page);
  await page.getByRole("button", { name: "Log in", exact: true }).waitFor();
  assert.equal((await page.locator("p.lead").innerText()).trim(), englishBefore, "the app says what the first paint said");
  await page.getByRole("button", { name: "Dansk" }).click();
  await page.getByRole("heading", { name: "Log ind", exact: true }).waitFor();
  assert.equal((await page.locator("p.lead").innerText()).trim(), danish);
  await page.getByRole("button", { name: "English" }).click();
  await page.close();

  // The next first paint is English too: the task list, before and after.
  ({ page, release } = await openHeld("/opgaver"));
  await page.getByRole("heading", { name: "Tasks", exact: true }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.equal(await page.getByRole("status").innerText(), "Loading …");
  const intro = (await page.locator("p.lead").innerText()).trim();
  release();
  await appStarted(page);
  await firstTask(page).waitFor();
  assert.equal((await page.locator("p.lead").innerText()).trim(), intro);

  // Back to Danish for the next test.
  await page.getByRole("button", { name: "Dansk" }).click();
  await page.getByRole("heading", { name: "Opgaver", exact: true }).waitFor();
  await page.close();
});

test("the login page keeps its heading while the app fetches the form's code, and the form is then the same page", async () => {
  const { page, release } = await openHeld("/log-ind");
  // The login form is a chunk of its own: held too, after the app has started.
  let releaseForm;
  const formReleased = new Promise((resolve) => (releaseForm = resolve));
  await page.route(/\/split_login-[0-9a-f]{16}\.wasm$/, async (route) => {
    await formReleased;
    await route.continue();
  });
  const heading = page.getByRole("heading", { name: "Log ind", exact: true });
  await heading.waitFor();
  const painted = { text: (await page.locator("p.lead").innerText()).trim(), heading: await box(heading) };
  release();
  await appStarted(page);
  // The app runs and the form's code is not here: the page still says where the reader is.
  assert.equal(await page.getByLabel("E-mail").count(), 0, "the form's code is held back");
  await heading.waitFor();
  assert.deepEqual(await box(heading), painted.heading, "the heading stays where it was");
  assert.equal((await page.locator("main p.lead").innerText()).trim(), painted.text);
  assert.equal(await page.getByRole("main").getByRole("status").innerText(), "Indlæser …");
  assert.equal(await page.title(), "Log ind – Samskab");
  releaseForm();
  await page.getByLabel("E-mail").waitFor();
  assert.equal(await page.getByRole("main").getByRole("heading", { level: 1 }).count(), 1);
  assert.deepEqual(await box(heading), painted.heading);
  const shift = await layoutShift(page);
  assert.ok(shift < 0.05, `layout shift ${shift} while the app and then the form took over`);
  await page.close();
});

test("signed in, the first paint says it is loading and shows no visitor's introduction", async () => {
  await signIn(device.context, relay.url, "anna@demo.samskab.dk");
  // The app remembers who is signed in at its start; let it.
  let page = await device.context.newPage();
  await page.goto(`${relay.url}/opgaver`);
  await page.getByText("Anna Frivillig").waitFor();
  await page.close();

  let release;
  ({ page, release } = await openHeld("/opgaver"));
  await page.getByRole("status").waitFor();
  assert.equal(await page.getByRole("status").innerText(), "Indlæser …");
  assert.equal(await page.getByRole("link", { name: "Log ind eller opret en konto" }).count(), 0);
  assert.equal(await page.locator("h1").count(), 0);
  release();
  await page.getByText("Anna Frivillig").waitFor();
  await page.getByRole("heading", { name: "Opgaver", exact: true }).waitFor();
  await page.close();
});
