// Honest states on the volunteer's side, in real browsers against the real relay: a full shift
// offers the waiting list; giving up a held place is asked about first and can be undone for a
// few seconds (the order is restored); a cancelled task says "Aflyst" in "Mine opgaver" and
// moves to "Tidligere opgaver"; a shift that has started cannot be signed up for, and a task
// cannot be published with one.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { demoRelayForFile, launchDevice, registerVolunteer, saved, signIn } from "./support.mjs";

const TASK = "Hjælpetræner for U9-drenge"; // shifts of one place, 5 and 12 days ahead
const DAY = 24 * 3600 * 1000;
const world = demoRelayForFile();
let anna, bent, bo;

before(async () => {
  await world.ready;
  anna = await openDevice((ctx) => signIn(ctx, world.relay.url, "anna@demo.samskab.dk"));
  bent = await openDevice((ctx) => registerVolunteer(ctx, world.relay.url, "Bent"));
  bo = await openDevice((ctx) => signIn(ctx, world.relay.url, "bo@demo.samskab.dk"));
});


async function openDevice(signInAs, { clockAhead = 0, path } = {}) {
  const device = await launchDevice();
  world.devices.push(device);
  await signInAs(device.context);
  const page = await device.context.newPage();
  if (clockAhead) await page.clock.setFixedTime(Date.now() + clockAhead);
  await page.goto(`${world.relay.url}/opgaver`);
  await saved(page);
  if (path !== null) {
    const href = await page.getByRole("link", { name: TASK }).first().getAttribute("href");
    await page.goto(`${world.relay.url}${href}`);
    await page.getByRole("heading", { name: TASK }).waitFor();
    await saved(page);
  }
  return { device, page };
}

const firstShift = (page) => page.locator('[data-testid="shift"]').first();
const myStatus = async (page) => (await firstShift(page).locator('[data-testid="my-status"]').innerText()).trim();
// The text of the focused element once focus has settled on `expected` (within a few seconds:
// the page moves focus after it re-renders, which a loaded machine takes a moment to do), or
// whatever has focus then, so that a wrong focus still fails the assertion that follows.
const focusedText = async (page, expected) => {
  const read = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");
  if (expected !== undefined) {
    await page
      .waitForFunction((want) => (document.activeElement?.textContent?.trim() ?? "") === want, expected, { timeout: 5_000 })
      .catch(() => {});
  }
  return read();
};
const notice = (page, text) => page.getByRole("status").filter({ hasText: text });

test("a full shift offers the waiting list; a held place is asked about, and Fortryd gives it back", async () => {
  await firstShift(anna.page).getByRole("button", { name: "Tilmeld" }).click();
  await notice(anna.page, "Du er tilmeldt og har en plads.").waitFor();
  assert.equal(await focusedText(anna.page, "Afmeld"), "Afmeld", "focus stays on the shift's button");
  await saved(anna.page);

  await firstShift(bent.page).getByText("1 af 1 pladser besat").waitFor({ timeout: 30_000 });
  assert.equal(await firstShift(bent.page).getByRole("button", { name: "Tilmeld", exact: true }).count(), 0);
  await firstShift(bent.page).getByRole("button", { name: "Skriv mig på ventelisten" }).click();
  await notice(bent.page, "Du er skrevet på ventelisten som nr. 1.").waitFor();
  assert.equal(await myStatus(bent.page), "Venteliste nr. 1");
  await saved(bent.page);

  // One tap does not give the place away: a question first, and "no" keeps it.
  await firstShift(anna.page).getByRole("button", { name: "Afmeld" }).click();
  await firstShift(anna.page).getByText("Vil du give din plads fra dig?").waitFor();
  assert.equal(await focusedText(anna.page, "Ja, afmeld mig"), "Ja, afmeld mig");
  assert.equal(await myStatus(anna.page), "Bekræftet");
  await firstShift(anna.page).getByRole("button", { name: "Nej, behold pladsen" }).click();
  await firstShift(anna.page).getByRole("button", { name: "Afmeld" }).waitFor();
  assert.equal(await focusedText(anna.page, "Afmeld"), "Afmeld");
  assert.equal(await myStatus(anna.page), "Bekræftet");

  // "Ja": withdrawn, announced, and Fortryd offered beside it; Bent moves up.
  await firstShift(anna.page).getByRole("button", { name: "Afmeld" }).click();
  await firstShift(anna.page).getByRole("button", { name: "Ja, afmeld mig" }).click();
  await notice(anna.page, "Du er afmeldt.").waitFor();
  const undo = firstShift(anna.page).getByRole("button", { name: "Fortryd" });
  await undo.waitFor();
  assert.equal(await focusedText(anna.page, "Fortryd"), "Fortryd");
  await firstShift(bent.page).getByText("Bekræftet").waitFor({ timeout: 30_000 });

  // Fortryd: as if she never withdrew: her place back, Bent first in line again.
  await undo.click();
  await notice(anna.page, "Du er tilmeldt og har en plads.").waitFor();
  assert.equal(await myStatus(anna.page), "Bekræftet");
  await saved(anna.page);
  await firstShift(bent.page).getByText("Venteliste nr. 1").waitFor({ timeout: 30_000 });

  // Fortryd is offered for a few seconds only.
  await firstShift(anna.page).getByRole("button", { name: "Afmeld" }).click();
  await firstShift(anna.page).getByRole("button", { name: "Ja, afmeld mig" }).click();
  await undo.waitFor();
  const shown = Date.now();
  await undo.waitFor({ state: "detached", timeout: 15_000 });
  const lasted = Date.now() - shown;
  assert.ok(lasted > 6_000 && lasted < 11_000, `Fortryd offered for ${lasted} ms`);
  await firstShift(anna.page).getByRole("button", { name: "Skriv mig på ventelisten" }).waitFor();
  assert.equal(await focusedText(anna.page, "Skriv mig på ventelisten"), "Skriv mig på ventelisten", "focus back on the shift's button");
  await firstShift(bent.page).getByText("Bekræftet").waitFor({ timeout: 30_000 });
  await saved(anna.page);
});

test("a cancelled task says Aflyst in Mine opgaver and moves to Tidligere opgaver", async () => {
  // Bent holds the place now. Bo cancels the task (the browser's own confirm dialog).
  bo.page.once("dialog", (d) => d.accept());
  await bo.page.getByRole("button", { name: "Aflys opgaven" }).click();
  await bo.page.getByTestId("task-status").getByText("Aflyst").waitFor();
  // The button is gone with the old status: the page says what happened, and focus is on the
  // status now shown.
  await bo.page.getByTestId("signup-notice").getByText("Opgaven er nu aflyst.").waitFor();
  await bo.page.waitForFunction(() => document.activeElement?.dataset.testid === "task-status");
  // Over: its roster stays as it was, with nothing left to decide.
  assert.equal(await bo.page.getByTestId("roster-row").first().getByRole("button").count(), 0);
  await saved(bo.page);

  const page = bent.page;
  await firstShift(page).getByTestId("task-over").getByText("Aflyst").waitFor({ timeout: 30_000 });
  assert.equal(await firstShift(page).getByRole("button").count(), 0, "nothing to sign up for");
  await page.goto(`${world.relay.url}/opgaver`);
  const mine = page.getByTestId("my-tasks").getByRole("listitem").filter({ hasText: TASK });
  await mine.getByText("Aflyst").waitFor();
  // textContent: an unrendered card's innerText is "", which would pass this for nothing.
  assert.doesNotMatch(await mine.textContent(), /Bekræftet/);

  const list = page.getByTestId("task-list");
  await list.getByRole("link", { name: "Kioskvagt til hjemmekamp" }).waitFor();
  assert.equal(await list.getByRole("link", { name: TASK }).count(), 0, "not in the main list");
  const earlier = page.getByRole("button", { name: "Tidligere opgaver" });
  assert.equal(await earlier.getAttribute("aria-pressed"), "false");
  await earlier.click();
  assert.equal(await earlier.getAttribute("aria-pressed"), "true");
  const card = list.getByRole("listitem").filter({ hasText: TASK });
  await card.getByText("Aflyst").waitFor();
  assert.equal(await list.getByRole("link", { name: "Kioskvagt til hjemmekamp" }).count(), 0);
});

test("a shift that has started cannot be signed up for; a past task is under Tidligere opgaver", async () => {
  // Anna's tablet six days from now: the Lektiecafé's first shift (tomorrow) has started,
  // the later ones have not; "Kørsel til fredagsbanko" (in four days) is over.
  const later = await openDevice((ctx) => signIn(ctx, world.relay.url, "anna@demo.samskab.dk"), {
    clockAhead: 6 * DAY,
    path: null,
  });
  const page = later.page;
  const list = page.getByTestId("task-list");
  await list.getByRole("link", { name: "Lektiecafé for 4.-7. klasse" }).waitFor();
  assert.equal(await list.getByRole("link", { name: "Kørsel til fredagsbanko" }).count(), 0);
  await page.getByRole("button", { name: "Tidligere opgaver" }).click();
  await list.getByRole("listitem").filter({ hasText: "Kørsel til fredagsbanko" }).getByText("Afsluttet").waitFor();

  await page.getByRole("button", { name: "Tidligere opgaver" }).click();
  await list.getByRole("link", { name: "Lektiecafé for 4.-7. klasse" }).click();
  await page.getByRole("heading", { name: "Lektiecafé for 4.-7. klasse" }).waitFor();
  const shifts = page.getByTestId("shift");
  await shifts.nth(0).getByText("Vagten er begyndt, så der er lukket for tilmelding.").waitFor();
  assert.equal(await shifts.nth(0).getByRole("button").count(), 0);
  await shifts.nth(1).getByRole("button", { name: "Tilmeld" }).waitFor();
});

test("a task cannot be published with a shift that has started", async () => {
  const page = bo.page;
  await page.goto(`${world.relay.url}/opgaver/ny`);
  await page.getByRole("heading", { name: "Opret opgave" }).waitFor();
  const yesterday = new Date(Date.now() - DAY);
  const pad = (n) => String(n).padStart(2, "0");
  await page.getByLabel("Titel").fill("Oprydning efter stævnet");
  await page.getByLabel("Dato").fill(`${yesterday.getFullYear()}-${pad(yesterday.getMonth() + 1)}-${pad(yesterday.getDate())}`);
  await page.getByLabel("Fra kl.").fill("10:00");
  await page.getByLabel("Til kl.").fill("12:00");
  await page.getByLabel("Pladser").fill("2");
  await page.getByRole("button", { name: "Gem og offentliggør" }).click();
  const date = page.getByLabel("Dato");
  await page.locator('[data-testid="shift-row"] input[type="date"][aria-invalid="true"]').waitFor();
  const message = await date.evaluate((el) => document.getElementById(el.getAttribute("aria-describedby"))?.textContent);
  assert.match(message, /Vagten er allerede begyndt/);
  assert.ok(await date.evaluate((el) => el === document.activeElement), "focus on the date");
  assert.equal(await page.getByRole("heading", { name: "Oprydning efter stævnet" }).count(), 0, "nothing was created");
});
