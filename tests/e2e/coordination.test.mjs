// Koordinering as a coordinator meets it on a fresh device: the organisations come from the
// relay (one created through the API a moment ago included), a coordinator of one organisation
// creates and publishes a task in one pass without choosing anything, and someone who runs
// several organisations chooses in the form itself. A refused form marks the fields it is
// about, ties each message to its field and puts the focus on the first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoRelayForFile, launchDevice, signIn } from "./support.mjs";

const world = demoRelayForFile();


/** A fresh device signed in as `email`, on `path`, with everything synced. */
async function freshDevice(email, path) {
  const device = await launchDevice();
  world.devices.push(device);
  const user = await signIn(device.context, world.relay.url, email);
  const page = await device.context.newPage();
  await page.goto(`${world.relay.url}${path}`);
  await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 45_000 });
  return { device, page, user };
}

function tomorrow() {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const isFocused = (locator) => locator.evaluate((el) => el === document.activeElement);

/** The message a field's aria-describedby points at. */
async function describedBy(locator) {
  const ids = await locator.getAttribute("aria-describedby");
  assert.ok(ids, "the field points at its message");
  return locator.page().evaluate((ids) => ids.split(" ").map((id) => document.getElementById(id)?.textContent ?? "").join(" "), ids);
}

async function fillShift(page) {
  await page.getByLabel("Dato").fill(tomorrow());
  await page.getByLabel("Fra kl.").fill("10:00");
  await page.getByLabel("Til kl.").fill("12:00");
  await page.getByLabel("Pladser").fill("2");
}

test("a coordinator of one organisation creates and publishes on a fresh device without choosing it", async () => {
  // Straight to the form: no visit to Koordinering first, nothing remembered on the device.
  const { page, user } = await freshDevice("bo@demo.samskab.dk", "/opgaver/ny");
  await page.getByRole("heading", { name: "Opret opgave" }).waitFor();
  const org = page.getByTestId("task-org");
  await org.getByText("Haslev Fodboldklub").waitFor();
  assert.equal(await page.getByRole("combobox", { name: "Organisation" }).count(), 0, "nothing to choose");
  // The contact is the coordinator, until they write someone else.
  assert.equal(await page.getByLabel("Kontaktperson").inputValue(), user.name);
  assert.equal(await page.getByLabel("E-mail", { exact: true }).inputValue(), user.email);
  assert.equal(await page.getByLabel("Telefon", { exact: true }).inputValue(), user.phone ?? "");

  // Refused: each message beside its field, the first field focused.
  await page.getByRole("button", { name: "Gem og offentliggør" }).click();
  const title = page.getByLabel("Titel");
  await page.locator('#task-title[aria-invalid="true"]').waitFor();
  assert.match(await describedBy(title), /Skriv en titel/);
  assert.ok(await isFocused(title), "focus on the first field with a problem");
  const date = page.getByLabel("Dato");
  assert.equal(await date.getAttribute("aria-invalid"), "true");
  assert.match(await describedBy(date), /Udfyld dato, tidspunkter/);

  await title.fill("Billetsalg til pokalkampen");
  await fillShift(page);
  await page.getByRole("button", { name: "Gem og offentliggør" }).click();
  await page.getByRole("heading", { name: "Billetsalg til pokalkampen" }).waitFor();
  assert.equal(await page.getByTestId("task-status").innerText(), "Offentliggjort");
  // The contact is the coordinator: their name, and their e-mail as a link.
  const contact = page.getByRole("definition").filter({ hasText: user.name });
  await contact.getByRole("link", { name: user.email }).waitFor();

  // Koordinering names the one organisation and lists the task, with nothing to choose.
  await page.goto(`${world.relay.url}/koordinering`);
  await page.getByTestId("coordinated-org").getByText("Haslev Fodboldklub").waitFor();
  assert.equal(await page.getByRole("combobox", { name: "Jeg koordinerer for" }).count(), 0);
  await page.getByTestId("org-tasks").getByRole("link", { name: "Billetsalg til pokalkampen" }).waitFor();
});

test("an organisation created through the relay can be coordinated; with several the form asks which", async () => {
  const admin = await launchDevice();
  world.devices.push(admin);
  await signIn(admin.context, world.relay.url, "admin@demo.samskab.dk");
  const res = await admin.context.request.post(`${world.relay.url}/api/organisations`, {
    data: { name: "Karise Petanque Klub", kind: "forening" },
  });
  assert.equal(res.status(), 201);

  // Staff run every organisation: a fresh device lists the new one from the world.relay.
  const { page } = await freshDevice("carla@demo.samskab.dk", "/opgaver/ny");
  await page.getByRole("heading", { name: "Opret opgave" }).waitFor();
  const choice = page.getByRole("combobox", { name: "Organisation" });
  await choice.getByRole("option", { name: "Karise Petanque Klub" }).waitFor({ state: "attached" });

  await page.getByLabel("Titel").fill("Bane-rydning før sæsonstart");
  await fillShift(page);
  await page.getByRole("button", { name: "Gem og offentliggør" }).click();
  await page.locator('#task-org[aria-invalid="true"]').waitFor();
  assert.match(await describedBy(choice), /Vælg, hvilken organisation opgaven er for/);
  assert.ok(await isFocused(choice), "focus on the organisation choice");

  await choice.selectOption({ label: "Karise Petanque Klub" });
  await page.getByRole("button", { name: "Gem og offentliggør" }).click();
  await page.getByRole("heading", { name: "Bane-rydning før sæsonstart" }).waitFor();
  await page.getByText("Karise Petanque Klub · Andet").waitFor();

  // Koordinering offers it too, and remembers the form's choice.
  await page.goto(`${world.relay.url}/koordinering`);
  const coordinateFor = page.getByRole("combobox", { name: "Jeg koordinerer for" });
  await coordinateFor.waitFor();
  assert.equal(await coordinateFor.locator("option:checked").innerText(), "Karise Petanque Klub");
  await page.getByTestId("org-tasks").getByRole("link", { name: "Bane-rydning før sæsonstart" }).waitFor();
});
