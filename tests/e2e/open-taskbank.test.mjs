// The open task bank as a newcomer meets it, in real browsers against the real relay: a phone
// with no account browses and searches the published tasks (online, then offline from what it
// kept), opens a task from a link as if sent by SMS, taps "Tilmeld", creates an account in the
// flow and lands back on the same task and shift, and signs up; the task's coordinator then
// sees the newcomer's name and phone on the roster. A deep link to a page behind login
// survives logging in.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Relay, freePort, launchDevice, tempDir, waitControlled } from "./support.mjs";

const TASK = "Kioskvagt til hjemmekamp"; // a demo task of Haslev Fodboldklub, Bo's club
const PHONE = "+45 26 27 28 29";
let relay, data, visitor, page, taskPath;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  visitor = await launchDevice();
  page = await visitor.context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
});

after(async () => {
  await visitor?.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

const list = () => page.getByTestId("task-list");

test("a visitor without an account browses and searches the published tasks", async () => {
  await page.goto(relay.url);
  await page.getByRole("heading", { name: "Opgaver", exact: true }).waitFor();
  await list().getByRole("link", { name: TASK }).waitFor();
  // No menu of areas behind login, and a way in.
  assert.equal(await page.getByRole("navigation", { name: "Hovedmenu" }).count(), 0);
  await page.getByRole("banner").getByRole("link", { name: "Log ind" }).waitFor();
  // The organisation's name finds its tasks, though the word is not in the task.
  await page.getByRole("searchbox", { name: "Søg" }).fill("fodbold");
  await list().getByRole("link", { name: TASK }).waitFor();
  const titles = await list().getByRole("heading").allInnerTexts();
  assert.ok(titles.length >= 1 && titles.every((t) => !t.includes("Besøgsven")), `${titles}`);
  await page.getByRole("searchbox", { name: "Søg" }).fill("");

  // What the device keeps is the open catalog: no one's sign-ups.
  const kept = await page.evaluate(() => localStorage.getItem("samskab.open-tasks"));
  assert.ok(kept && kept.includes(TASK));
  assert.ok(!/signups|demo-frivillig|"at"/.test(kept), "the open catalog names no volunteer");
  taskPath = await list().getByRole("link", { name: TASK }).getAttribute("href");
  await waitControlled(page);
});

test("offline, the visitor still has the task bank the device kept", async () => {
  await relay.stop();
  try {
    await page.reload();
    await list().getByRole("link", { name: TASK }).waitFor();
    await page.goto(`${relay.url}${taskPath}`);
    await page.getByRole("heading", { name: TASK }).waitFor();
  } finally {
    await relay.start();
  }
});

test("a link to a task opens it; Tilmeld creates an account and comes back to the shift", async () => {
  // As if tapped in an SMS: a fresh load of the task's address.
  await page.goto(`${relay.url}${taskPath}`);
  await page.getByRole("heading", { name: TASK }).waitFor();
  await page.getByText("Haslev Fodboldklub", { exact: false }).first().waitFor();
  await page.getByText("Koordinatoren kan se dit navn og telefonnummer, når du tilmelder dig.").waitFor();
  const shift = page.getByTestId("shift").first();
  const signUp = shift.getByRole("link", { name: /^(Tilmeld|Skriv mig på ventelisten)$/ });
  const shiftHref = await signUp.getAttribute("href");
  const shiftId = new URLSearchParams(decodeURIComponent(shiftHref.split("next=")[1]).split("?")[1]).get("vagt");
  await signUp.click();

  await page.getByRole("heading", { name: "Log ind" }).waitFor();
  await page.getByText("Bagefter kommer du tilbage til siden.", { exact: false }).waitFor();
  await page.getByRole("button", { name: "Ny frivillig? Opret en konto" }).click();
  // The form changed above the button: focus goes to its first field.
  await page.waitForFunction(() => document.activeElement?.id === "account-name", null, { timeout: 5_000 });
  await page.getByLabel("Navn").fill("Vibeke Nyborg");
  await page.getByLabel("E-mail").fill(`vibeke-${Date.now()}@example.dk`);
  await page.getByLabel("Telefon (valgfrit)").fill(PHONE);
  await page.getByLabel("Adgangskode").fill("en god lang kode");
  // What the account keeps is said by the form, with the policy a link away.
  await page.getByTestId("register-privacy").getByText(/gemmer dit navn, din e-mail og dit telefonnummer/).waitFor();
  await page.getByTestId("register-privacy").getByRole("link", { name: "Privatlivspolitik" }).waitFor();
  await page.getByRole("button", { name: "Opret konto" }).click();

  // Back on the same task, signed in, the shift's button focused and the next step said.
  await page.getByRole("heading", { name: TASK }).waitFor({ timeout: 45_000 });
  assert.equal(new URL(page.url()).pathname, taskPath);
  const notice = page.getByTestId("signup-notice");
  await notice.getByText("Du er logget ind. Tryk på knappen for at tilmelde dig vagten.").waitFor({ timeout: 45_000 });
  await page.waitForFunction((id) => document.activeElement?.id === `signup-${id}`, shiftId, { timeout: 5_000 });
  const focused = await page.evaluate(() => document.activeElement.textContent.trim());
  assert.match(focused, /^(Tilmeld|Skriv mig på ventelisten)$/);
  await page.keyboard.press("Enter");
  await page.getByTestId("shift").first().getByRole("button", { name: "Afmeld" }).waitFor();
  assert.match(await notice.innerText(), /Du er tilmeldt|venteliste/i);
  await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 45_000 });
  // Her CV starts from what she gave when she registered: the phone too, as the e-mail.
  await page.goto(`${relay.url}/cv`);
  await page.getByRole("heading", { name: "Mit CV", exact: true }).waitFor({ timeout: 45_000 });
  assert.equal(await page.getByLabel("Telefon", { exact: true }).inputValue(), PHONE);
});

test("the task's coordinator sees the newcomer's name and phone on the roster", async () => {
  const tablet = await launchDevice();
  try {
    const bo = await tablet.context.newPage();
    await bo.setViewportSize({ width: 820, height: 1180 });
    await bo.goto(`${relay.url}${taskPath}`);
    // The visitor's view first; logging in from the header comes back to the task.
    await bo.getByRole("heading", { name: TASK }).waitFor();
    await bo.getByRole("banner").getByRole("link", { name: "Log ind" }).click();
    await bo.getByLabel("E-mail").fill("bo@demo.samskab.dk");
    await bo.getByLabel("Adgangskode").fill("samskab-demo");
    await bo.getByRole("button", { name: "Log ind" }).click();
    await bo.getByRole("heading", { name: TASK }).waitFor({ timeout: 45_000 });
    const roster = bo.getByTestId("coordinator");
    const row = roster.getByTestId("roster-row").filter({ hasText: "Vibeke Nyborg" });
    await row.waitFor({ timeout: 45_000 });
    const call = row.getByRole("link", { name: `Ring til ${PHONE}` });
    assert.equal(await call.getAttribute("href"), `tel:${PHONE.replaceAll(" ", "")}`);
    // No row is left as a bare id: every signed-up volunteer has a name.
    const names = await roster.getByTestId("roster-name").allInnerTexts();
    assert.ok(names.length >= 1);
    assert.ok(names.every((n) => !n.startsWith("Frivillig ")), `${names}`);
  } finally {
    await tablet.close();
  }
});

test("a deep link behind login survives logging in", async () => {
  const other = await launchDevice();
  try {
    const p = await other.context.newPage();
    await p.goto(`${relay.url}/cv`);
    await p.getByRole("heading", { name: "Log ind" }).waitFor();
    await p.getByText("Log ind for at fortsætte.", { exact: false }).waitFor();
    await p.getByLabel("E-mail").fill("anna@demo.samskab.dk");
    await p.getByLabel("Adgangskode").fill("samskab-demo");
    await p.getByRole("button", { name: "Log ind" }).click();
    await p.getByRole("heading", { name: "Mit CV", exact: true }).waitFor({ timeout: 45_000 });
    assert.equal(new URL(p.url()).pathname, "/cv");
  } finally {
    await other.close();
  }
});
