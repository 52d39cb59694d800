// Erasure in real browsers against the real relay: a volunteer with a CV shared with the staff
// and a sign-up deletes her account ("Slet min konto", export offered, password to confirm);
// the staff tablet, closed (offline) while that happened, deletes her CV from its storage at
// its next connection; the task keeps its place taken but not her; the footer's legal pages
// open from every page, signed in or not.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import {
  Relay,
  freePort,
  indexedDocuments,
  launchDevice,
  profileDocumentId,
  registerVolunteer,
  saved,
  signIn,
  storedDocuments,
  tempDir,
} from "./support.mjs";

const TASK = "Hjælpetræner for U9-drenge"; // demo: shifts of one place
let relay, data, vera, carla, veraId;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  vera = await launchDevice();
  veraId = (await registerVolunteer(vera.context, relay.url, "Vera")).id;
  vera.page = await vera.context.newPage();
  carla = await launchDevice();
  await signIn(carla.context, relay.url, "carla@demo.samskab.dk");
});

after(async () => {
  for (const d of [vera, carla]) await d?.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

const firstShift = (page) => page.locator('[data-testid="shift"]').first();

test("a deleted account is gone from the relay and from a device that was offline", { timeout: 180_000 }, async () => {
  const page = vera.page;
  // Vera shares a CV with the staff and takes a place on a shift.
  await page.goto(`${relay.url}/cv`);
  await saved(page);
  await page.getByLabel("Navn", { exact: true }).fill("Vera Vindelbo");
  await page.getByLabel("Kommunens personale må se mit CV").check();
  await page.getByRole("button", { name: "Gem CV" }).click();
  await saved(page);
  await page.goto(`${relay.url}/opgaver`);
  await saved(page);
  await page.getByRole("link", { name: TASK }).first().click();
  await page.getByRole("heading", { name: TASK }).waitFor();
  await firstShift(page).getByRole("button", { name: "Tilmeld" }).click();
  await firstShift(page).getByText("1 af 1 pladser besat").waitFor();
  await saved(page);

  // Carla's tablet syncs her CV, then is closed: offline through what follows.
  const tablet = await carla.context.newPage();
  await tablet.goto(`${relay.url}/cv-banken`);
  await saved(tablet);
  const profile = profileDocumentId(veraId);
  await tablet.getByTestId("cv-card").filter({ hasText: "Vera Vindelbo" }).waitFor({ timeout: 30_000 });
  assert.ok((await storedDocuments(tablet)).includes(profile));
  assert.ok((await indexedDocuments(tablet)).includes(profile), "the CV bank's index has her CV");
  await tablet.close();

  // "Slet min konto": the export is offered first; a wrong password deletes nothing.
  await page.goto(`${relay.url}/konto`);
  const zone = page.getByRole("region", { name: "Slet min konto" });
  assert.equal(
    await zone.getByRole("link", { name: "Hent en kopi af dine data først" }).getAttribute("href"),
    "/api/export",
  );
  await zone.getByLabel("Skriv din adgangskode for at bekræfte").fill("forkert kode!");
  await zone.getByRole("button", { name: "Slet min konto for altid" }).click();
  await zone.getByRole("alert").waitFor();
  await zone.getByLabel("Skriv din adgangskode for at bekræfte").fill("en god lang kode");
  await zone.getByRole("button", { name: "Slet min konto for altid" }).click();
  await page.getByRole("heading", { name: "Din konto og dine data er slettet." }).waitFor({ timeout: 30_000 });
  const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.ok(!databases.includes("samskab"), `nothing left on her device: ${databases}`);
  const me = await vera.context.request.get(`${relay.url}/api/me`);
  assert.equal(me.status(), 401);

  // The tablet comes back: the CV goes from its storage, the task stays with the place taken.
  const back = await carla.context.newPage();
  await back.goto(`${relay.url}/cv-banken`);
  await saved(back);
  for (let i = 0; i < 50 && (await storedDocuments(back)).includes(profile); i++) {
    await back.waitForTimeout(100);
  }
  assert.ok(!(await storedDocuments(back)).includes(profile), "the offline device deleted her CV");
  assert.ok(!(await indexedDocuments(back)).includes(profile), "and its entry in the CV bank's index");
  await back.getByTestId("cv-card").filter({ hasText: "Vera Vindelbo" }).waitFor({ state: "detached", timeout: 10_000 });
  await back.goto(`${relay.url}/opgaver`);
  await back.getByRole("link", { name: TASK }).first().click();
  await firstShift(back).getByText("1 af 1 pladser besat").waitFor({ timeout: 30_000 });
  await back.close();
});

test("the legal pages are linked from every page's footer, signed in or not", { timeout: 60_000 }, async () => {
  const visitor = await launchDevice();
  try {
    const page = await visitor.context.newPage();
    await page.goto(`${relay.url}/opgaver`);
    const footer = page.getByRole("navigation", { name: "Om Samskab" });
    await footer.getByRole("link", { name: "Privatlivspolitik" }).click();
    await page.getByRole("heading", { level: 1, name: "Privatlivspolitik" }).waitFor();
    await page.getByRole("heading", { name: "Hvor længe" }).waitFor();
    await footer.getByRole("link", { name: "Tilgængelighedserklæring" }).click();
    await page.getByRole("heading", { level: 1, name: "Tilgængelighedserklæring" }).waitFor();
    // Focus moves to the new page's heading after navigation.
    await page.waitForFunction(() => document.activeElement?.tagName === "H1");
    // English is one switch away.
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Accessibility statement" }).waitFor();
    // The footer's links are large enough to tap, and nothing scrolls sideways at 320 px.
    await page.setViewportSize({ width: 320, height: 640 });
    const box = await page.getByRole("link", { name: "Privacy policy" }).boundingBox();
    assert.ok(box.height >= 44, `link height ${box.height}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320));
  } finally {
    await visitor.close();
  }
});
