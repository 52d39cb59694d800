// The task bank's search covers the organisation's name: "fodbold" finds the football club's
// kiosk shift, whose own text never says the word.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Relay, freePort, launchDevice, signIn, tempDir } from "./support.mjs";

let relay, data, device;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  device = await launchDevice();
  await signIn(device.context, relay.url, "anna@demo.samskab.dk");
});

after(async () => {
  await device?.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

test("searching for an organisation's name finds its tasks", async () => {
  const page = await device.context.newPage();
  await page.goto(`${relay.url}/opgaver`);
  await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 45_000 });
  const list = page.getByTestId("task-list");
  await list.getByRole("link", { name: "Besøgsven til beboer på plejecenter" }).waitFor();

  await page.getByRole("searchbox", { name: "Søg" }).fill("fodbold");
  await list.getByRole("link", { name: "Kioskvagt til hjemmekamp" }).waitFor();
  await list.getByRole("link", { name: "Hjælpetræner for U9-drenge" }).waitFor();
  assert.equal(await list.getByRole("listitem").count(), 2, "only Haslev Fodboldklub's tasks");

  // Words are combined: the club's name and a word of the task.
  await page.getByRole("searchbox", { name: "Søg" }).fill("Fodboldklub kiosken");
  await list.getByRole("listitem").first().waitFor();
  assert.deepEqual(await list.getByRole("link").allInnerTexts(), ["Kioskvagt til hjemmekamp"]);
});
