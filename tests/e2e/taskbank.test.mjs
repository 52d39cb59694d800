// The task bank's promise, in real browsers against the real relay: two volunteers on two
// devices both take the last place while the relay is down; when it is back, every device
// shows the same task, one volunteer confirmed and the other first on the waiting list, and a
// reload (from IndexedDB) shows the same.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Relay, freePort, launchDevice, registerVolunteer, saved, signIn, tempDir } from "./support.mjs";

const TASK = "Hjælpetræner for U9-drenge"; // a demo task whose shifts have one place
let relay, data, anna, bent;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  anna = await openDevice((ctx) => signIn(ctx, relay.url, "anna@demo.samskab.dk"));
  bent = await openDevice((ctx) => registerVolunteer(ctx, relay.url, "Bent"));
});

after(async () => {
  await anna?.device.close();
  await bent?.device.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

async function openDevice(signInAs) {
  const device = await launchDevice();
  await signInAs(device.context);
  const page = await device.context.newPage();
  await page.goto(`${relay.url}/opgaver`);
  await saved(page);
  // The list re-renders as documents arrive, so follow the link's address rather than click
  // a card that may move.
  const href = await page.getByRole("link", { name: TASK }).getAttribute("href");
  await page.goto(`${relay.url}${href}`);
  await page.getByRole("heading", { name: TASK }).waitFor();
  await saved(page);
  return { device, page };
}

const syncStatus = (page) => page.locator('[data-testid="sync-text"]');
const firstShift = (page) => page.locator('[data-testid="shift"]').first();

async function signUpOffline(page) {
  await firstShift(page).getByRole("button", { name: "Tilmeld" }).click();
  // Saved on the device: alone, it holds the place for now.
  await firstShift(page).getByRole("button", { name: "Afmeld" }).waitFor();
  await page.locator('[data-testid="sync-status"][data-state="pending"]').waitFor();
  assert.equal(await syncStatus(page).innerText(), "1 ændring venter");
}

test("both take the last place offline; after sync one is confirmed, one waits", async () => {
  await relay.stop();
  await signUpOffline(anna.page);
  await signUpOffline(bent.page);

  await relay.start();
  await saved(anna.page);
  await saved(bent.page);
  // Each device converges on the other's sign-up.
  for (const { page } of [anna, bent]) {
    await firstShift(page).getByText("1 af 1 pladser besat").waitFor({ timeout: 30_000 });
  }
  const status = async (page) => (await firstShift(page).locator('[data-testid="my-status"]').innerText()).trim();
  // Anna signed up first, so she has the place; Bent is first on the waiting list.
  await firstShift(bent.page).getByText("Venteliste nr. 1").waitFor({ timeout: 30_000 });
  assert.equal(await status(anna.page), "Bekræftet");
  assert.equal(await status(bent.page), "Venteliste nr. 1");

  // A reload reads the same from IndexedDB.
  for (const { page } of [anna, bent]) await page.reload();
  await firstShift(anna.page).getByText("Bekræftet").waitFor();
  await firstShift(bent.page).getByText("Venteliste nr. 1").waitFor();
  assert.equal(await status(anna.page), "Bekræftet");
  assert.equal(await status(bent.page), "Venteliste nr. 1");
});

test("when the confirmed volunteer withdraws, the first on the waiting list moves up", async () => {
  await firstShift(anna.page).getByRole("button", { name: "Afmeld" }).click();
  // Giving up a held place is asked about first.
  await firstShift(anna.page).getByRole("button", { name: "Ja, afmeld mig" }).click();
  await firstShift(bent.page).getByText("Bekræftet").waitFor({ timeout: 30_000 });
  await saved(anna.page);
  assert.equal(await firstShift(bent.page).locator('[data-testid="my-status"]').innerText(), "Bekræftet");
});

test("a sign-up survives closing the tab before it reached the relay", async () => {
  await relay.stop();
  const page = anna.page;
  // Bent holds the one place now, so Anna's button offers the waiting list.
  await firstShift(page).getByRole("button", { name: "Skriv mig på ventelisten" }).click();
  await firstShift(page).getByRole("button", { name: "Afmeld" }).waitFor();
  const url = page.url();
  await page.close();
  const again = await anna.device.context.newPage();
  anna.page = again;
  await again.goto(url);
  await firstShift(again).getByRole("button", { name: "Afmeld" }).waitFor();
  assert.equal(await syncStatus(again).innerText(), "1 ændring venter");
  await relay.start();
  await saved(again);
  await firstShift(bent.page).getByText("1 af 1 pladser besat").waitFor({ timeout: 30_000 });
});
