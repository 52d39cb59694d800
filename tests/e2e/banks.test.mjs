// Big banks, in real browsers against the real relay: the task list is read from the device's
// index of its documents (IndexedDB store `index`) and shown a page of 50 cards at a time, with
// the count in a live region and "Vis flere" moving focus to the first new card; the index
// follows a sign-up made offline at once and across an offline reload; and logging out
// deletes the index with the documents.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import {
  Relay,
  freePort,
  inDays,
  indexedDocuments,
  launchDevice,
  saved,
  signIn,
  storedDocuments,
  tempDir,
} from "./support.mjs";

const PAGE = 50;
let relay, data, bo, anna;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  bo = await open("bo@demo.samskab.dk");
  anna = await open("anna@demo.samskab.dk");
});

after(async () => {
  for (const d of [bo, anna]) await d?.device.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

async function open(email) {
  const device = await launchDevice();
  await signIn(device.context, relay.url, email);
  const page = await device.context.newPage();
  await page.goto(`${relay.url}/opgaver`);
  await saved(page);
  return { device, page };
}

const cards = (page) => page.getByTestId("task-list").getByRole("listitem");

/** Creates and publishes a task through Koordinering's form, as Bo would: from the task
 * list, within the app. */
async function createTask(page, title, date) {
  await page.getByRole("navigation").getByRole("link", { name: "Opgaver" }).click();
  await page.getByRole("link", { name: /Opret og styr opgaver/ }).click();
  await page.getByRole("link", { name: "Opret opgave" }).click();
  await page.getByRole("heading", { name: "Opret opgave" }).waitFor();
  await page.getByLabel("Titel").fill(title);
  await page.getByLabel("Beskrivelse").fill("Hjælp til banken af opgaver.");
  await page.getByLabel("Område").selectOption("idraet");
  await page.getByLabel("By", { exact: true }).selectOption("Haslev");
  await page.getByLabel("Sted").fill("Haslev Idrætscenter");
  await page.getByLabel("Dato").fill(date);
  await page.getByLabel("Fra kl.").fill("10:00");
  await page.getByLabel("Til kl.").fill("12:00");
  await page.getByLabel("Pladser").fill("2");
  await page.getByRole("button", { name: "Gem og offentliggør" }).click();
  await page.getByRole("heading", { name: title }).waitFor();
}

test("the task list shows 50 cards at a time, says how many in a live region, and 'Vis flere' goes on at the next card", async () => {
  const page = bo.page;
  const before = Number((await page.getByTestId("task-count").innerText()).match(/\d+/)[0]);
  assert.ok(before < PAGE, `the demo has fewer tasks than a page: ${before}`);
  assert.equal(await page.getByTestId("task-count").getAttribute("role"), "status");
  assert.equal(await page.getByRole("button", { name: "Vis flere" }).count(), 0);

  // Enough tasks for a second page, the last one latest (the list is in date order).
  const added = PAGE + 1 - before;
  const title = (i) => `Bankopgave ${String(i).padStart(2, "0")}`;
  for (let i = 1; i <= added; i++) await createTask(page, title(i), inDays(60 + i));
  await page.goto(`${relay.url}/opgaver`);
  await page.getByTestId("task-count").getByText(`Viser ${PAGE} af ${PAGE + 1} opgaver`).waitFor();
  assert.equal(await cards(page).count(), PAGE);
  assert.equal(await page.getByRole("link", { name: title(added) }).count(), 0);

  await page.getByRole("button", { name: "Vis flere" }).click();
  await page.getByTestId("task-count").getByText(`${PAGE + 1} opgaver`).waitFor();
  assert.equal(await cards(page).count(), PAGE + 1);
  // Focus is on the first new card's link, and the button is gone: there is no more.
  await page.waitForFunction((t) => document.activeElement?.textContent === t, title(added));
  assert.equal(await page.getByRole("button", { name: "Vis flere" }).count(), 0);

  // A search starts again at one page and counts what it found.
  await page.getByLabel("Søg").fill("Bankopgave");
  await page.getByTestId("task-count").getByText(`${added} opgaver`).waitFor();

  // The list came from the index: every stored document has its entry, and no entry is left
  // without its document.
  const docs = (await storedDocuments(page)).sort();
  const index = (await indexedDocuments(page)).filter((k) => !k.startsWith("@")).sort();
  assert.deepEqual(index, docs);
});

test("a sign-up made offline shows in Mine opgaver at once and after an offline reload", async () => {
  const page = anna.page;
  await page.goto(`${relay.url}/opgaver`);
  await saved(page);
  const mine = page.getByTestId("my-tasks");
  const task = "Bankopgave 01";
  assert.equal(await mine.getByRole("link", { name: task }).count(), 0);

  await relay.stop();
  const href = await page.getByRole("link", { name: task }).getAttribute("href");
  await page.goto(`${relay.url}${href}`);
  const shift = page.locator('[data-testid="shift"]').first();
  await shift.getByRole("button", { name: "Tilmeld" }).click();
  await shift.getByRole("button", { name: "Afmeld" }).waitFor();

  // Back to the list within the app: "Mine opgaver" has it from the index at once.
  await page.getByRole("link", { name: "Opgaver", exact: true }).first().click();
  await mine.getByRole("link", { name: task }).waitFor();
  // And from IndexedDB alone, the relay still down.
  await page.reload();
  await mine.getByRole("link", { name: task }).waitFor();
  await mine.getByText("Bekræftet").first().waitFor();

  await relay.start();
  await saved(page);
});

test("logging out deletes the index with the documents", async () => {
  const page = anna.page;
  assert.ok((await indexedDocuments(page)).length > 0);
  await page.getByTestId("logout").click();
  await page.getByRole("banner").getByRole("link", { name: "Log ind" }).waitFor();
  const databases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.ok(!databases.includes("samskab"), `nothing left on the device: ${databases}`);
});
