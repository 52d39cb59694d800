// Organisations as documents, in two real browsers against the real relay: a coordinator on a
// phone-sized screen finds the club's page from Koordinering, corrects it (a bad CVR number is
// refused with the model's sentence), renames the club and saves; a volunteer on another
// device finds the club's tasks by its new name, reads the new description from the task's
// page, and has nothing to edit.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Relay, freePort, launchDevice, saved, signIn, tempDir } from "./support.mjs";

const DESCRIPTION = "Fodbold for alle aldre. Frivillige mødes i klubhuset hver tirsdag kl. 18.";
let relay, data, bo, anna;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  bo = await openDevice("/koordinering", "bo@demo.samskab.dk", { width: 360, height: 740 });
  anna = await openDevice("/opgaver", "anna@demo.samskab.dk");
});

after(async () => {
  for (const d of [bo, anna]) await d?.device.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

async function openDevice(path, email, viewport) {
  const device = await launchDevice();
  await signIn(device.context, relay.url, email);
  const page = await device.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(`${relay.url}${path}`);
  await saved(page);
  return { device, page };
}

test("a coordinator keeps the club's page up to date from a phone", async () => {
  const page = bo.page;
  await page.getByRole("link", { name: "Organisationens side" }).click();
  await page.getByRole("heading", { level: 1, name: "Haslev Fodboldklub" }).waitFor();
  // What the demo club says about itself, seeded by the relay.
  await page.getByText("Frivillige står for kiosk").waitFor();
  const edit = page.getByRole("button", { name: "Ret organisationens side" });
  assert.equal(await edit.getAttribute("aria-expanded"), "false");
  await edit.click();
  assert.equal(await edit.getAttribute("aria-expanded"), "true");
  // Focus moves into the form it opened.
  await page.waitForFunction(() => document.activeElement?.id === "organisation-name");

  // A CVR number of two digits is refused before anything is saved.
  await page.getByLabel("CVR-nummer (valgfrit)").fill("12");
  await page.getByRole("button", { name: "Gem organisationen" }).click();
  await page.getByRole("alert").getByText("Et CVR-nummer har 8 cifre.").waitFor();

  await page.getByLabel("CVR-nummer (valgfrit)").fill("12345678");
  await page.getByLabel("Navn", { exact: true }).fill("Haslev FK");
  await page.getByLabel("By", { exact: true }).selectOption("Haslev");
  await page.getByLabel("Om organisationen").fill(DESCRIPTION);
  await page.getByLabel("Kontaktperson").fill("Mette Holm");
  await page.getByRole("button", { name: "Gem organisationen" }).click();
  await page.getByRole("status").getByText("Gemt på enheden").waitFor();
  await page.getByRole("heading", { level: 1, name: "Haslev FK" }).waitFor();
  await saved(page);

  // Nothing sticks out of a 360 px screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
});

test("a volunteer reads the club's page from a task and sees its new name", async () => {
  const page = anna.page;
  // The search finds the club's tasks by the name its document now gives.
  await page.getByRole("searchbox", { name: "Søg" }).fill("Haslev FK");
  await page.getByRole("link", { name: "Kioskvagt til hjemmekamp" }).first().waitFor({ timeout: 30_000 });
  await page.getByRole("link", { name: "Kioskvagt til hjemmekamp" }).first().click();
  await page.getByRole("link", { name: "Haslev FK" }).click();
  await page.getByRole("heading", { level: 1, name: "Haslev FK" }).waitFor();
  await page.getByTestId("organisation-description").getByText(DESCRIPTION).waitFor();
  await page.getByText("12345678").waitFor();
  await page.getByRole("link", { name: "Kioskvagt til hjemmekamp" }).first().waitFor();
  assert.equal(await page.getByRole("button", { name: "Ret organisationens side" }).count(), 0);

  // Every organisation is listed, readable offline from the device.
  await page.goto(`${relay.url}/organisationer`);
  await page.getByRole("link", { name: "Naturgruppen Karise" }).waitFor();
  await page.getByRole("link", { name: "Haslev FK" }).waitFor();
});
