// The CV bank's promise, in two real browsers against the real relay: a volunteer fills in a
// CV with no network and consents to the staff seeing it; after sync the staff find them by a
// skill; the volunteer sees the staff read in "Hvem har set mit CV"; the staff invite her to a
// task and she accepts, which signs her up; the volunteer withdraws
// consent, and the staff page no longer shows them and the staff device's IndexedDB no longer
// holds the profile document.
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

const OFFER = "Jeg kan give førstehjælp ved stævner og hjælpe med kaffen.";
let relay, data, vera, carla, veraId;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  vera = await launchDevice();
  veraId = (await registerVolunteer(vera.context, relay.url, "Vera")).id;
  vera.page = await vera.context.newPage();
  await vera.page.goto(`${relay.url}/cv`);
  await saved(vera.page);
  carla = await launchDevice();
  await signIn(carla.context, relay.url, "carla@demo.samskab.dk");
  carla.page = await carla.context.newPage();
  await carla.page.goto(`${relay.url}/cv-banken`);
  await saved(carla.page);
});

after(async () => {
  for (const d of [vera, carla]) await d?.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

const syncStatus = (page) => page.locator('[data-testid="sync-text"]');

const veraCard = (page) => page.getByTestId("cv-card").filter({ hasText: "Vera Vindelbo" });

test("a volunteer fills in a CV offline; after sync the staff find them by a skill", async () => {
  // The staff see the demo volunteers who consented, and not Vera yet.
  const count = carla.page.getByTestId("cvbank-count");
  await count.getByText(/frivillige fundet/).waitFor();
  assert.equal(await veraCard(carla.page).count(), 0);

  await relay.stop();
  const page = vera.page;
  await page.getByLabel("Navn", { exact: true }).fill("Vera Vindelbo");
  await page.getByLabel("Hvad jeg gerne vil tilbyde").fill(OFFER);
  await page.getByRole("checkbox", { name: "Haslev" }).check();
  await page.getByRole("checkbox", { name: "Idræt" }).check();
  await page.getByRole("checkbox", { name: "Førstehjælp" }).check();
  await page.getByRole("checkbox", { name: "lørdag formiddag" }).check();
  await page.getByLabel("Kommunens personale må se mit CV").check();
  await page.getByRole("button", { name: "Gem CV" }).click();
  await page.getByTestId("cv-saved").getByText("Gemt på enheden").waitFor();
  assert.equal(await syncStatus(page).innerText(), "1 ændring venter");
  // The preview shows what the staff will see.
  await veraCard(page).getByText(OFFER).waitFor();

  // It survives a reload offline (IndexedDB), and syncs when the relay is back.
  await page.reload();
  assert.equal(await page.getByLabel("Navn", { exact: true }).inputValue(), "Vera Vindelbo");
  await relay.start();
  await saved(page);

  const staff = carla.page;
  await saved(staff);
  await staff.getByLabel("Kompetencer").selectOption("foerstehjaelp");
  await staff.getByLabel("Søg").fill("Vindelbo");
  await veraCard(staff).waitFor({ timeout: 30_000 });
  assert.equal(await staff.getByTestId("cv-card").count(), 1);
  // Waited for, not read at once: a card is `content-visibility: auto`, and in the frame it
  // arrives its content may not be rendered yet (innerText read "" once in CI).
  await veraCard(staff).getByTestId("cv-skills").getByText(/Førstehjælp/).waitFor();
  // As a reader sees it ("Har tid", not the owner's "Hvornår har du tid"); on a phone each
  // label stands above its value, which gets the card's width (a long label left the values
  // a few letters wide at 320 px).
  await veraCard(staff).getByText("Har tid", { exact: true }).waitFor();
  const desk = staff.viewportSize();
  await staff.setViewportSize({ width: 320, height: 700 });
  const skillsBox = await veraCard(staff).getByTestId("cv-skills").boundingBox();
  const cardBox = await veraCard(staff).boundingBox();
  assert.ok(skillsBox.width >= 0.8 * cardBox.width, `the skills are ${skillsBox.width} px wide in a ${cardBox.width} px card`);
  await staff.setViewportSize(desk);
  assert.equal(await staff.getByTestId("cvbank-count").innerText(), "1 frivillig fundet");
  // Another skill does not find her.
  await staff.getByLabel("Kompetencer").selectOption("traener");
  await staff.getByTestId("cvbank-count").getByText("0 frivillige fundet").waitFor();
  // Nobody found: the page offers to start over, clears the search and every filter, and
  // puts focus back in the search field.
  await staff.getByRole("button", { name: "Ryd søgning og filtre" }).click();
  await staff.getByTestId("cvbank-count").getByText(/^[1-9][\d.]* frivillige? fundet/).waitFor();
  assert.equal(await staff.getByLabel("Søg").inputValue(), "");
  assert.equal(await staff.getByLabel("Kompetencer").inputValue(), "");
  await staff.waitForFunction(() => document.activeElement?.id === "cvbank-text", null, { timeout: 5_000 });
  assert.equal(await staff.getByRole("button", { name: "Ryd søgning og filtre" }).count(), 0);
  await staff.getByLabel("Kompetencer").selectOption("foerstehjaelp");
  await staff.getByLabel("Søg").fill("Vindelbo");
  await veraCard(staff).waitFor();
  assert.ok((await storedDocuments(staff)).includes(profileDocumentId(veraId)));

  // Vera sees who read it: the relay's audit log.
  await page.reload();
  const reads = page.getByTestId("cv-reads");
  await reads.waitFor({ timeout: 30_000 });
  assert.match(await reads.innerText(), /Carla Kommune \(kommunens personale\)/);
});

test("staff invite the volunteer to a task; she accepts and is signed up", async () => {
  const TASK = "Pleje af blomstereng"; // a demo task with one shift and six places
  const staff = carla.page;
  const card = veraCard(staff);
  await card.getByRole("button", { name: "Inviter til opgave" }).click();
  await card.getByLabel("Opgave").selectOption({ label: `${TASK} · Naturgruppen Karise` });
  // Each shift says whether it is outside the times in her CV (she gave Saturday morning).
  const options = (await card.getByLabel("Vagt").locator("option").allTextContents()).slice(1);
  assert.ok(options.length > 0);
  for (const option of options) {
    const saturdayMorning = /^lør\. [^,]*, (0\d|1[01])\.\d\d/.test(option);
    assert.equal(option.includes("uden for tiderne i CV'et"), !saturdayMorning, option);
  }
  await card.getByLabel("Vagt").selectOption({ index: 1 });
  await card.getByRole("button", { name: "Send invitation" }).click();
  await card.getByText("Invitationen er sendt").waitFor();
  await saved(staff);

  // Vera is told: Beskeder has the invitation (the relay's notices job writes it within
  // seconds, and mails it), and it leads to the task, where she answers.
  const page = vera.page;
  await page.goto(`${relay.url}/beskeder`);
  const told = page.getByTestId("notice").filter({ hasText: `Du er inviteret: ${TASK}` });
  await told.waitFor({ timeout: 30_000 });
  // textContent: a card's innerText may read "" before it is rendered (content-visibility).
  assert.match(await told.textContent(), /inviteret til en vagt gennem CV-banken/);
  await told.getByRole("link", { name: `Du er inviteret: ${TASK}` }).click();
  await page.getByRole("heading", { level: 1, name: TASK }).waitFor();
  const panel = page.getByTestId("invitation");
  await panel.getByRole("button", { name: "Ja tak, tilmeld mig" }).click();
  await page.locator('[data-testid="shift"] [data-testid="my-status"]').getByText("Bekræftet").waitFor();
  assert.equal(await panel.count(), 0, "the invitation is answered");
  // The panel went with the answer: the page says what it did, and focus is on the shift's
  // own button (it was on one that is gone).
  await page.getByTestId("signup-notice").getByText("Du har sagt ja tak og er tilmeldt vagten.").waitFor();
  // Focus is on the shift (read with its new state), not on its "Afmeld": a second Enter
  // there would start undoing the answer.
  await page.waitForFunction(() => document.activeElement?.matches('[data-testid="shift"]') && document.activeElement.textContent.includes("Bekræftet"));
  await saved(page);
  await page.goto(`${relay.url}/cv`);
  await saved(page);
});

test("more CVs than a page: the count says how many are shown, and Vis flere shows the rest", async () => {
  // The demo's consenting volunteers and Vera: more than the 20 cards of one page.
  const page = await carla.context.newPage();
  await page.goto(`${relay.url}/cv-banken`);
  const count = page.getByTestId("cvbank-count");
  await count.getByText(/frivillige fundet\. Viser 20\.$/).waitFor({ timeout: 30_000 });
  assert.equal(await count.getAttribute("role"), "status");
  const all = Number((await count.innerText()).match(/^(\d+) frivillige/)[1]);
  assert.ok(all > 20 && all <= 40, `${all}`);
  assert.equal(await page.getByTestId("cv-card").count(), 20);

  await page.getByRole("button", { name: "Vis flere" }).click();
  await count.getByText(`${all} frivillige fundet`, { exact: true }).waitFor();
  assert.equal(await page.getByTestId("cv-card").count(), all);
  assert.equal(await page.getByRole("button", { name: "Vis flere" }).count(), 0);
  // Focus goes on to the first new card (its first link or button), at the frame after the
  // cards render.
  const focusedCard = () =>
    page.evaluate(() => {
      const cards = [...document.querySelectorAll("#cvbank-list > li")];
      return cards.findIndex((li) => li.contains(document.activeElement));
    });
  await page
    .waitForFunction(() => {
      const cards = [...document.querySelectorAll("#cvbank-list > li")];
      return cards.findIndex((li) => li.contains(document.activeElement)) === 20;
    }, null, { timeout: 5_000 })
    .catch(() => {});
  assert.equal(await focusedCard(), 20);

  // A new search starts again at one page.
  await page.getByLabel("Søg").fill("a");
  await page.getByLabel("Søg").fill("");
  await count.getByText(/Viser 20\.$/).waitFor();
  await page.close();
});

test("withdrawn consent removes the CV from the staff page and the staff device", async () => {
  const page = vera.page;
  await page.getByLabel("Kommunens personale må se mit CV").uncheck();
  await page.getByRole("button", { name: "Gem CV" }).click();
  await page.getByTestId("cv-saved").getByText("Gemt på enheden").waitFor();
  await saved(page);

  const staff = carla.page;
  await staff.getByTestId("cvbank-count").getByText("0 frivillige fundet").waitFor({ timeout: 30_000 });
  assert.equal(await veraCard(staff).count(), 0);
  await saved(staff);
  const id = profileDocumentId(veraId);
  // The revocation is acted on asynchronously; give IndexedDB a moment.
  for (let i = 0; i < 50 && (await storedDocuments(staff)).includes(id); i++) {
    await staff.waitForTimeout(100);
  }
  assert.ok(!(await storedDocuments(staff)).includes(id), "the staff device still stores the profile");
  // Nor its entry in the device's index (CV-banken's search reads the index).
  assert.ok(!(await indexedDocuments(staff)).includes(id), "the staff device's index still holds the profile");
  // And a reload from storage does not bring it back.
  await staff.reload();
  await saved(staff);
  await staff.getByLabel("Søg").fill("Vindelbo");
  await staff.getByTestId("cvbank-count").getByText("0 frivillige fundet").waitFor();
});
