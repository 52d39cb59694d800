// A full device, in a real browser against the real relay: Chromium's quota for the app's
// origin is set to 64 MB before the app first stores anything (DevTools'
// `Storage.overrideQuotaForOrigin`; Chromium takes a quota when the origin's storage is first
// used), and once the app has synced, another database of the same origin takes up the rest,
// so IndexedDB refuses the app's next save as on a phone whose storage has filled up. The volunteer who taps "Tilmeld" is
// told the device is full; the sign-up is neither on her screen nor at the relay (another
// device sees the shift as it was); once there is room the same tap works, and it is still
// there after a reload.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoRelayForFile, launchDevice, openSignedIn, saved, signIn } from "./support.mjs";

const TASK = "Kioskvagt til hjemmekamp"; // two shifts of two places, 3 and 10 days ahead
const PHONE = { width: 390, height: 844 };
const world = demoRelayForFile();


async function taskPage(email) {
  const { device, page } = await openSignedIn(world.relay, "/opgaver", email, PHONE);
  world.devices.push(device);
  await page.getByRole("link", { name: TASK }).first().click();
  await page.getByRole("heading", { name: TASK }).waitFor();
  await saved(page);
  return page;
}

const firstShift = (page) => page.locator('[data-testid="shift"]').first();

test("a sign-up a full device cannot save is refused in words, reaches no one, and works once there is room", async () => {
  const device = await launchDevice({ timezoneId: "Europe/Copenhagen" });
  world.devices.push(device);
  await signIn(device.context, world.relay.url, "anna@demo.samskab.dk");
  const anna = await device.context.newPage();
  await anna.setViewportSize(PHONE);
  // On the origin (a page of the relay's API, which stores nothing) before the app is.
  await anna.goto(`${world.relay.url}/api/me`);
  const devtools = await device.context.newCDPSession(anna);
  await devtools.send("Storage.overrideQuotaForOrigin", { origin: new URL(world.relay.url).origin, quotaSize: 64 << 20 });
  await anna.goto(`${world.relay.url}/opgaver`);
  await saved(anna);
  await anna.getByRole("link", { name: TASK }).first().click();
  await anna.getByRole("heading", { name: TASK }).waitFor();
  await saved(anna);
  const bo = await taskPage("bo@demo.samskab.dk");
  await firstShift(bo).getByText("0 af 2 pladser besat").waitFor();

  // Another database takes what is left, down to the last few kilobytes.
  assert.ok(await anna.evaluate(fillStorage), "the quota refused nothing");

  await firstShift(anna).getByRole("button", { name: "Tilmeld" }).click();
  await anna
    .getByRole("alert")
    .filter({ hasText: "Enheden er løbet tør for plads, så ændringen blev ikke gemt. Frigør plads og prøv igen." })
    .first()
    .waitFor();
  // Not on her screen: the shift still offers "Tilmeld" and holds nobody.
  await firstShift(anna).getByRole("button", { name: "Tilmeld" }).waitFor();
  assert.equal(await firstShift(anna).getByText("0 af 2 pladser besat").count(), 1);
  // Not at the relay: the coordinator's device, synced after it, still sees nobody. (Her
  // device is online: a refused sign-up that still went out would be there by now.)
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await bo.reload();
  await bo.getByRole("heading", { name: TASK }).waitFor();
  await saved(bo);
  assert.equal(await firstShift(bo).getByText("0 af 2 pladser besat").count(), 1);

  // Room again (the other database deleted): the same tap works, reaches the coordinator,
  // and survives a reload.
  await anna.evaluate(() => new Promise((resolve, reject) => {
    const deletion = indexedDB.deleteDatabase("filler");
    deletion.onsuccess = resolve;
    deletion.onerror = () => reject(deletion.error);
  }));
  await firstShift(anna).getByRole("button", { name: "Tilmeld" }).click();
  await anna.getByRole("status").filter({ hasText: "Du er tilmeldt og har en plads." }).waitFor();
  await saved(anna);
  await firstShift(bo).getByText("1 af 2 pladser besat").waitFor({ timeout: 30_000 });
  await anna.reload();
  await anna.getByRole("heading", { name: TASK }).waitFor();
  await firstShift(anna).getByText("1 af 2 pladser besat").waitFor();
});

// Writes blobs into a database of its own until the origin's quota refuses even 4 KB (true),
// or gives up after 256 MB (false: no quota was enforced).
async function fillStorage() {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open("filler");
    open.onupgradeneeded = () => open.result.createObjectStore("blobs");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  // Random bytes: IndexedDB compresses what it stores, and zeros would take no room.
  const noise = (size) => {
    const bytes = new Uint8Array(size);
    for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
    return bytes;
  };
  const write = (size) => new Promise((resolve) => {
    const tx = db.transaction("blobs", "readwrite");
    tx.objectStore("blobs").put(noise(size), crypto.randomUUID());
    tx.oncomplete = () => resolve(true);
    tx.onabort = () => resolve(false);
  });
  let size = 8 << 20;
  let written = 0;
  while (size >= 4096 && written < 256 << 20) {
    if (await write(size)) written += size;
    else size >>= 1;
  }
  db.close();
  return size < 4096;
}
