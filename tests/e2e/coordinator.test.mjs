// The task bank's promise with a coordinator, in three real browsers against the real relay:
// a coordinator publishes a task with one place; the relay stops; the coordinator edits the
// description while two volunteers each sign up; the relay starts; all three pages converge to
// the same task with one volunteer confirmed and one on the waiting list, and a reload of each
// (from IndexedDB) shows the same. Then the coordinator confirms the second one explicitly.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Relay, freePort, launchDevice, registerVolunteer, saved, signIn, tempDir } from "./support.mjs";

const TITLE = "Kaffevagt til julemarkedet";
const FIRST = "Vi sælger kaffe og æbleskiver til fordel for ungdomsafdelingen.";
const EDITED = "Vi sælger kaffe og æbleskiver. Mødested: klubhusets køkken.";
let relay, data, coordinator, anna, bent, taskUrl;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  coordinator = await openDevice("/koordinering", (ctx) => signIn(ctx, relay.url, "bo@demo.samskab.dk"));
  anna = await openDevice("/opgaver", (ctx) => signIn(ctx, relay.url, "anna@demo.samskab.dk"));
  bent = await openDevice("/opgaver", (ctx) => registerVolunteer(ctx, relay.url, "Bent"));
});

after(async () => {
  for (const d of [coordinator, anna, bent]) await d?.device.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

async function openDevice(path, signInAs) {
  const device = await launchDevice();
  await signInAs(device.context);
  const page = await device.context.newPage();
  await page.goto(`${relay.url}${path}`);
  await saved(page);
  return { device, page };
}

const syncStatus = (page) => page.locator('[data-testid="sync-text"]');
const shift = (page) => page.locator('[data-testid="shift"]').first();
const myStatus = async (page) => (await shift(page).locator('[data-testid="my-status"]').innerText()).trim();

function tomorrow() {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

test("a coordinator creates and publishes a task; online volunteers receive it", async () => {
  const page = coordinator.page;
  // Bo runs one organisation: Koordinering names it, there is nothing to choose.
  await page.getByTestId("coordinated-org").getByText("Haslev Fodboldklub").waitFor();
  await page.getByRole("link", { name: "Opret opgave" }).click();
  await page.getByRole("heading", { name: "Opret opgave" }).waitFor();

  // An empty form is refused with the model's sentences, and nothing is created.
  await page.getByLabel("Titel").fill("   ");
  await page.getByRole("button", { name: "Gem og offentliggør" }).click();
  await page.getByTestId("form-problems").getByText("Udfyld dato, tidspunkter").waitFor();

  await page.getByLabel("Titel").fill(TITLE);
  await page.getByLabel("Beskrivelse").fill(FIRST);
  await page.getByLabel("Område").selectOption("idraet");
  await page.getByLabel("By", { exact: true }).selectOption("Haslev");
  await page.getByLabel("Sted").fill("Haslev Idrætscenter");
  await page.getByLabel("Kompetencer (adskil med komma)").fill("kasse, madlavning");
  await page.getByLabel("Dato").fill(tomorrow());
  await page.getByLabel("Fra kl.").fill("10:00");
  await page.getByLabel("Til kl.").fill("12:00");
  await page.getByLabel("Pladser").fill("1");
  await page.getByRole("button", { name: "Gem og offentliggør" }).click();

  await page.getByRole("heading", { name: TITLE }).waitFor();
  taskUrl = page.url();
  assert.match(taskUrl, /\/opgaver\/[1-9A-HJ-NP-Za-km-z]+$/);
  assert.equal(await page.getByTestId("task-status").innerText(), "Offentliggjort");
  await saved(page);

  // The volunteers are online: the relay pushes the new task to them without a reload.
  for (const { page } of [anna, bent]) {
    await page.getByRole("link", { name: TITLE }).waitFor({ timeout: 30_000 });
    await page.goto(taskUrl);
    await page.getByRole("heading", { name: TITLE }).waitFor();
    await saved(page);
    assert.equal(await page.getByTestId("coordinator").count(), 0, "volunteers see no coordinator panel");
  }
});

test("offline: the coordinator edits while two volunteers take the one place; all converge", async () => {
  await relay.stop();

  const page = coordinator.page;
  await page.getByRole("link", { name: "Rediger opgave" }).click();
  await page.getByLabel("Beskrivelse").fill(EDITED);
  await page.getByRole("button", { name: "Gem ændringer" }).click();
  await page.getByTestId("description").getByText(EDITED).waitFor();
  assert.equal(await syncStatus(page).innerText(), "1 ændring venter");

  for (const { page } of [anna, bent]) {
    await shift(page).getByRole("button", { name: "Tilmeld" }).click();
    await shift(page).getByRole("button", { name: "Afmeld" }).waitFor();
    assert.equal(await syncStatus(page).innerText(), "1 ændring venter");
  }

  await relay.start();
  for (const { page } of [coordinator, anna, bent]) await saved(page);
  for (const { page } of [coordinator, anna, bent]) {
    await page.getByTestId("description").getByText(EDITED).waitFor({ timeout: 30_000 });
    await shift(page).getByText("1 af 1 pladser besat").waitFor({ timeout: 30_000 });
  }
  await shift(bent.page).getByText("Venteliste nr. 1").waitFor({ timeout: 30_000 });
  assert.equal(await myStatus(anna.page), "Bekræftet");
  assert.equal(await myStatus(bent.page), "Venteliste nr. 1");
  const roster = coordinator.page.getByTestId("roster-row");
  await roster.nth(1).waitFor({ timeout: 30_000 });
  assert.equal(await roster.count(), 2);
  assert.match(await roster.nth(0).innerText(), /Bekræftet/);
  assert.match(await roster.nth(1).innerText(), /Venteliste nr\. 1/);

  // A reload of each page shows the same, from IndexedDB.
  for (const { page } of [coordinator, anna, bent]) {
    await page.reload();
    await page.getByTestId("description").getByText(EDITED).waitFor();
  }
  await shift(anna.page).getByText("Bekræftet").waitFor();
  await shift(bent.page).getByText("Venteliste nr. 1").waitFor();
  await coordinator.page.getByTestId("roster-row").nth(1).waitFor();
});

test("the coordinator confirms the second volunteer beyond the places; the volunteer sees it", async () => {
  const second = coordinator.page.getByTestId("roster-row").nth(1);
  const name = (await second.getByTestId("roster-name").innerText()).trim();
  // The button says whom it is for (its description is the person's name).
  const confirm = second.getByRole("button", { name: "Bekræft" });
  assert.equal(await confirm.getAttribute("aria-describedby"), await second.getByTestId("roster-name").getAttribute("id"));
  await confirm.click();
  // The row is drawn anew: the page says what was decided, and focus is on the person's name
  // (it was on a button that is gone).
  await coordinator.page.getByTestId("signup-notice").getByText(`${name} er bekræftet.`).waitFor();
  await coordinator.page.waitForFunction((want) => document.activeElement?.dataset.testid === "roster-name" && document.activeElement.textContent.trim() === want, name);
  await shift(bent.page).getByText("Bekræftet").waitFor({ timeout: 30_000 });
  await shift(anna.page).getByText("2 af 1 pladser besat").waitFor({ timeout: 30_000 });
  assert.equal(await myStatus(anna.page), "Bekræftet");
  await saved(coordinator.page);
});

test("the coordinator moves the shift an hour; everyone on it is told in Beskeder", async () => {
  const page = coordinator.page;
  await page.goto(taskUrl);
  await page.getByRole("link", { name: "Rediger opgave" }).click();
  await page.getByLabel("Fra kl.").fill("11:00");
  await page.getByLabel("Til kl.").fill("13:00");
  await page.getByRole("button", { name: "Gem ændringer" }).click();
  // Within one day the date is said once.
  await shift(page).locator(".shift-time").getByText(/, 11\.00 – 13\.00$/).waitFor();
  await saved(page);

  for (const { page } of [anna, bent]) {
    await page.goto(`${relay.url}/beskeder`);
    const moved = page.getByTestId("notice").filter({ hasText: `Ny tid eller nyt sted: ${TITLE}` });
    await moved.waitFor({ timeout: 30_000 });
    assert.match(await moved.innerText(), /11\.00/);
  }
});
