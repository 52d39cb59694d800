// Accounts in the browser, against the real relay: a signed-in volunteer keeps working
// offline across reloads; a session that ends while the device is offline asks for the
// password at reconnect and loses nothing; logging out on a shared device leaves none of the
// user's data in IndexedDB or localStorage.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Relay, freePort, launchDevice, signIn, tempDir } from "./support.mjs";

const TASK = "Besøgsven til beboer på plejecenter"; // a demo task with three places per shift
let relay, data, device, page;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  device = await launchDevice();
  await signIn(device.context, relay.url, "anna@demo.samskab.dk");
  page = await device.context.newPage();
});

after(async () => {
  await device?.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

const shift = () => page.locator('[data-testid="shift"]').first();
const syncText = () => page.locator('[data-testid="sync-text"]');

async function saved(timeout = 45_000) {
  await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout });
}

test("signed in, the app reloads offline with the user's data", async () => {
  await page.goto(`${relay.url}/opgaver`);
  await saved();
  const href = await page.getByRole("link", { name: TASK }).getAttribute("href");
  await page.goto(`${relay.url}${href}`);
  await saved();

  await relay.stop();
  await page.reload();
  await page.getByRole("heading", { name: TASK }).waitFor();
  await page.getByText("Anna Frivillig").waitFor();
  await shift().getByRole("button", { name: "Tilmeld" }).click();
  await shift().getByRole("button", { name: "Afmeld" }).waitFor();
  assert.equal(await syncText().innerText(), "1 ændring venter");

  await relay.start();
  await saved();
  assert.equal(await shift().locator('[data-testid="my-status"]').innerText(), "Bekræftet");
});

test("a session ended while offline asks for the password and loses no change", async () => {
  // The session ends at the relay (as at a password change elsewhere) while the app is open.
  const res = await device.context.request.post(`${relay.url}/api/logout`);
  assert.equal(res.status(), 204);
  await relay.stop();
  await shift().getByRole("button", { name: "Afmeld" }).click();
  // Giving up a held place is asked about first; "Fortryd" is offered for a few seconds.
  await shift().getByRole("button", { name: "Ja, afmeld mig" }).click();
  await shift().getByRole("button", { name: "Tilmeld" }).waitFor();
  assert.equal(await syncText().innerText(), "1 ændring venter");

  await relay.start();
  const banner = page.getByTestId("session-expired");
  await banner.waitFor({ timeout: 45_000 });
  assert.equal(await syncText().innerText(), "1 ændring venter");
  await banner.getByLabel("Adgangskode").fill("samskab-demo");
  await banner.getByRole("button", { name: "Log ind" }).click();
  await saved();
  assert.equal(await banner.count(), 0);
  assert.equal(await shift().locator('[data-testid="my-status"]').innerText(), "");
});

test("logging out leaves none of the user's data on the device", async () => {
  const before = await page.evaluate(async () => ({
    keys: Object.keys(localStorage),
    dbs: (await indexedDB.databases()).map((d) => d.name),
  }));
  assert.ok(before.keys.includes("samskab.user"));
  assert.ok(before.dbs.includes("samskab"));

  await page.getByTestId("logout").click();
  // Back to the open task bank, as anyone without an account sees it.
  await page.getByRole("banner").getByRole("link", { name: "Log ind" }).waitFor();
  await page.getByRole("heading", { name: "Opgaver", exact: true }).waitFor();
  const after = await page.evaluate(async () => {
    const dbs = (await indexedDB.databases()).map((d) => d.name);
    return { keys: Object.keys(localStorage), dbs };
  });
  // Only the language stays, and what a visitor gets anyway and names no one: the open task
  // bank and the municipality's towns.
  const open = ["samskab.lang", "samskab.open-tasks", "samskab.open-tasks.etag", "samskab.towns"];
  assert.deepEqual(after.keys.filter((k) => !open.includes(k)), [], "only the language, the open catalog and the towns stay");
  assert.ok(!after.dbs.includes("samskab"), `IndexedDB still holds ${after.dbs}`);
  // The session is gone at the relay too.
  const me = await device.context.request.get(`${relay.url}/api/me`);
  assert.equal(me.status(), 401);
});

test("logging out in one tab takes the other tabs of the app out too", async () => {
  const tabs = await launchDevice();
  try {
    await signIn(tabs.context, relay.url, "anna@demo.samskab.dk");
    const first = await tabs.context.newPage();
    const second = await tabs.context.newPage();
    for (const p of [first, second]) {
      await p.goto(`${relay.url}/opgaver`);
      await p.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 45_000 });
    }
    await second.getByTestId("logout").click();
    await second.getByRole("banner").getByRole("link", { name: "Log ind" }).waitFor();
    // The first tab did nothing itself: it follows, signed out, and shows no one's data.
    await first.getByRole("banner").getByRole("link", { name: "Log ind" }).waitFor({ timeout: 15_000 });
    assert.equal(await first.getByTestId("logout").count(), 0);
    assert.equal(await first.locator('[data-testid="sync-status"]').count(), 0);
  } finally {
    await tabs.close();
  }
});

test("a coordinator invites a coordinator; the link creates an account that runs the club", async () => {
  const bo = await launchDevice();
  const newcomer = await launchDevice();
  try {
    await signIn(bo.context, relay.url, "bo@demo.samskab.dk");
    const page = await bo.context.newPage();
    await page.goto(`${relay.url}/koordinering`);
    await page.getByRole("button", { name: "Inviter en koordinator" }).click();
    const link = await page.getByTestId("invite-link").inputValue();
    assert.match(link, /\/invitation\/[0-9a-f]{32}$/);

    const other = await newcomer.context.newPage();
    await other.goto(link);
    await other.getByRole("heading", { name: "Du er inviteret til Samskab" }).waitFor();
    await other.getByLabel("Navn").fill("Mads Træner");
    await other.getByLabel("E-mail").fill(`mads-${Date.now()}@example.dk`);
    await other.getByLabel("Adgangskode").fill("en god lang kode");
    await other.getByRole("button", { name: "Opret konto og tag imod" }).click();
    await other.getByText("Mads Træner").waitFor();
    await other.goto(`${relay.url}/koordinering`);
    // The new coordinator runs exactly Bo's club.
    // (One organisation: the page names it instead of offering a choice.)
    await other.getByTestId("coordinated-org").getByText("Haslev Fodboldklub").waitFor();
    assert.equal(await other.getByRole("combobox", { name: "Jeg koordinerer for" }).count(), 0);
    await other.getByRole("link", { name: "Opret opgave" }).waitFor();

    // Changing the password keeps this device signed in and syncing.
    await other.getByRole("link", { name: /Mads Træner/ }).click();
    await other.getByLabel("Nuværende adgangskode").fill("en god lang kode");
    await other.getByLabel("Ny adgangskode").fill("en endnu bedre kode");
    await other.getByRole("button", { name: "Skift adgangskode" }).click();
    await other.getByText("Adgangskoden er skiftet. Dine andre enheder er logget ud.").waitFor();
    await other.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 45_000 });

    // The link worked once.
    const again = await newcomer.context.request.post(`${relay.url}/api/invitations/accept`, {
      data: { code: link.split("/").pop(), name: "X", email: "x@example.dk", password: "en god lang kode" },
    });
    assert.equal(again.status(), 410);
  } finally {
    await bo.close();
    await newcomer.close();
  }
});
