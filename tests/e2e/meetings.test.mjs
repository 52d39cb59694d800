// Dialogue meetings in real browsers against the real relay: staff plan a meeting for the
// elder-care associations' group and publish it; a member answers, writes her needs (which
// only the host reads) and proposes an agenda item on her phone without a network; the host
// reads her needs and accepts the proposal; at the meeting two tablets
// with no network check people in (a walk-in too) and write the minutes at once, and both
// tablets' words survive; a decision becomes an action item, and that a task-bank draft; the
// minutes are approved and reach the member; the next meeting of the series starts with the
// open action items. The member's calendar app reads her meetings from her private feed (parsed
// here by ical.js, Mozilla's iCalendar parser) and sees a cancellation.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import ICAL from "ical.js";
import { Relay, freePort, inDays, openSignedIn, saved, tempDir } from "./support.mjs";

const TITLE = "Dialogmøde om vinterens aktiviteter";
let relay, data, carla, tablet, anna;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  carla = await openSignedIn(relay, "/moeder", "carla@demo.samskab.dk", { width: 800, height: 1100 });
  anna = await openSignedIn(relay, "/moeder", "anna@demo.samskab.dk", { width: 360, height: 740 });
});

after(async () => {
  if (process.env.SAMSKAB_DEBUG) console.log(relay.log.split("\n").filter((l) => /refus|warn|error/i.test(l)).slice(-20).join("\n"), await anna.page.locator("main").innerText(), "\n=== CARLA\n", await carla.page.locator("body").innerText());
  for (const d of [carla, tablet, anna]) await d?.device.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

async function noOverflow(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
}

test("staff plan a meeting for a group; a member answers and proposes offline; the host accepts", async () => {
  const page = carla.page;
  await page.getByRole("link", { name: "Planlæg et møde" }).click();
  await page.getByRole("heading", { level: 1, name: "Planlæg et møde" }).waitFor();
  // A meeting without a title is refused with the model's sentence, nothing saved.
  await page.getByLabel("Dato", { exact: true }).fill(inDays(10));
  await page.getByRole("button", { name: "Gem mødet" }).click();
  await page.getByRole("alert").getByText("Skriv en titel på mødet.").waitFor();

  await page.getByLabel("Mødets titel").fill(TITLE);
  await page.getByLabel("Formål", { exact: true }).fill("Vi planlægger vinterens aktiviteter for ældre sammen.");
  await page.getByLabel("Fra", { exact: true }).fill("16:00");
  await page.getByLabel("Til", { exact: true }).fill("18:00");
  await page.getByLabel("Adresse", { exact: true }).fill("Aktivitetscenter Haslev, Jernbanegade 7");
  await page.getByLabel("Niveaufri adgang").check();
  await page.getByLabel("Teleslynge").check();
  await page.getByLabel("Medlemmerne af de valgte grupper").check();
  await page.getByLabel("Ældreområdets foreninger").check();
  await page.getByLabel("Antal pladser (tom: ingen grænse)").fill("20");
  await page.getByRole("button", { name: "Gem mødet" }).click();
  await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
  await page.getByText("Niveaufri adgang · Teleslynge").waitFor();
  await page.getByRole("button", { name: "Offentliggør mødet" }).click();
  await page.getByTestId("meeting-status").getByText("Offentliggjort").waitFor();
  await saved(page);

  // Anna, a member of the group, finds it; on her phone without a network she answers and
  // proposes an item.
  const phone = anna.page;
  await phone.getByRole("link", { name: TITLE }).waitFor({ timeout: 30_000 });
  await phone.getByRole("link", { name: TITLE }).click();
  await phone.getByRole("heading", { level: 1, name: TITLE }).waitFor();
  await anna.device.context.setOffline(true);
  await phone.getByRole("button", { name: "Ja, jeg kommer" }).click();
  await phone.getByTestId("meeting-notice").getByText("Du kommer").waitFor();
  assert.equal(await phone.getByRole("button", { name: "Ja, jeg kommer" }).getAttribute("aria-pressed"), "true");
  // Her needs go to the hosts alone, saved on the phone until the network is back.
  await phone.getByLabel("Har du behov, værterne skal kende? (fx kørestol, tolk, kost)").fill("Jeg kommer i kørestol.");
  await phone.getByRole("button", { name: "Gem behov" }).click();
  await phone.getByTestId("meeting-notice").getByText("Dine behov er gemt. Kun værterne kan se dem.").waitFor();
  assert.equal(await phone.getByRole("heading", { name: "Deltagernes behov" }).count(), 0, "Anna hosts nothing");
  await phone.getByLabel("Punkt", { exact: true }).fill("Kørsel til møderne");
  await phone.getByRole("button", { name: "Send forslaget" }).click();
  await phone.getByTestId("proposals").getByText("Kørsel til møderne").waitFor();
  await noOverflow(phone);
  await anna.device.context.setOffline(false);
  await saved(phone);

  // The host sees the answer and the proposal, and takes it onto the agenda.
  await page.getByTestId("meeting-seats").getByText("1 af 20 pladser taget").waitFor({ timeout: 30_000 });
  const needs = page.getByTestId("meeting-needs");
  await needs.getByText("Jeg kommer i kørestol.").waitFor({ timeout: 30_000 });
  assert.match(await needs.locator("dt").first().innerText(), /Anna/);
  await page.getByRole("button", { name: "Tag «Kørsel til møderne» med på dagsordenen" }).click();
  await page.getByTestId("agenda").getByText("Kørsel til møderne").waitFor();
  // The pressed button went with the proposal: focus is on the agenda's heading.
  await page.waitForFunction(() => document.activeElement?.id === "agenda-title-h", null, { timeout: 5_000 });
  // The host writes the agenda herself: items go straight onto it, in the order she sets,
  // and one written by mistake comes off again.
  const agendaTitles = () => page.getByTestId("agenda").locator("li strong").allTextContents();
  for (const item of ["Velkomst", "Forkert punkt"]) {
    await page.getByLabel("Punkt", { exact: true }).fill(item);
    await page.getByRole("button", { name: "Tilføj punktet" }).click();
    await page.getByTestId("agenda").getByText(item).waitFor();
  }
  await page.getByRole("button", { name: "Fjern «Forkert punkt» fra dagsordenen" }).click();
  await page.getByTestId("agenda").getByText("Forkert punkt").waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Flyt «Velkomst» op" }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="agenda"] li strong')?.textContent === "Velkomst", null, { timeout: 10_000 });
  assert.deepEqual(await agendaTitles(), ["Velkomst", "Kørsel til møderne"]);
  // At the top it cannot go further up: focus is on its other button.
  await page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Flyt «Velkomst» ned", null, { timeout: 5_000 });
  // Who answered, by name, for everyone who sees the meeting (as the answer panel says).
  await page.getByTestId("meeting-answers").getByText("Se hvem der har svaret (1)").click();
  await page.getByTestId("meeting-answers").getByText("Kommer: Anna Frivillig").waitFor();
  await saved(page);
  await phone.getByTestId("agenda").getByText("Kørsel til møderne").waitFor({ timeout: 30_000 });
  await phone.getByTestId("agenda").getByText("Velkomst").waitFor({ timeout: 30_000 });

  // She changes her answer and leaves at once: nothing breaks afterwards. The answer's
  // outcome line goes after 8 s, by a timer that outlives the page, and reading the gone
  // page's signal then trapped the app.
  const trapped = [];
  const onError = (e) => trapped.push(e.message);
  phone.on("pageerror", onError);
  const menu = phone.getByRole("navigation", { name: "Hovedmenu" });
  await phone.getByRole("button", { name: "Måske" }).click();
  await phone.getByTestId("meeting-notice").getByText("Du kommer måske").waitFor();
  await menu.getByRole("link", { name: "Opgaver" }).click();
  await phone.getByRole("heading", { level: 1, name: "Opgaver" }).waitFor();
  await phone.waitForTimeout(9_000);
  phone.off("pageerror", onError);
  assert.deepEqual(trapped, []);
  // Back on the meeting, she says yes again.
  await menu.getByRole("link", { name: "Møder" }).click();
  await phone.getByRole("link", { name: TITLE }).click();
  await phone.getByRole("button", { name: "Ja, jeg kommer" }).click();
  await phone.getByRole("button", { name: "Ja, jeg kommer", pressed: true }).waitFor();
  await saved(phone);
});

test("at the door with no network: two tablets check in and write the minutes at once", async () => {
  const page = carla.page;
  const url = page.url();
  tablet = await openSignedIn(relay, new URL(url).pathname, "carla@demo.samskab.dk", { width: 800, height: 1100 });
  const second = tablet.page;
  await second.getByRole("heading", { level: 1, name: TITLE }).waitFor();
  await carla.device.context.setOffline(true);
  await tablet.device.context.setOffline(true);

  // Tablet one checks Anna in by name, and a walk-in.
  await page.getByLabel("Søg efter navn").fill("anna");
  await page.getByRole("button", { name: "Tjek Anna Frivillig ind" }).click();
  await page.getByTestId("checkin-count").getByText("1 er tjekket ind").waitFor();
  await page.getByLabel("Deltager uden tilmelding").fill("Birthe Lund");
  await page.getByRole("button", { name: "Tilføj og tjek ind" }).click();
  await page.getByTestId("checkin-count").getByText("2 er tjekket ind").waitFor();

  // Both tablets write the minutes, each offline.
  await page.getByRole("textbox", { name: /^Referat/ }).fill("Til stede: 2.\n\nPunkt 1: Kørsel aftales med Flextur.");
  await page.getByRole("button", { name: "Gem referatet" }).click();
  await page.getByTestId("minutes-saved").getByText("Referatet er gemt.").waitFor();
  await second.getByRole("textbox", { name: /^Referat/ }).fill("Punkt 2: Julefrokost den 18. december.");
  await second.getByRole("button", { name: "Gem referatet" }).click();
  await second.getByTestId("minutes-saved").getByText("Referatet er gemt.").waitFor();

  // A decision and an action item owned by an association.
  await page.getByLabel("Beslutning", { exact: true }).fill("Vi søger chauffører gennem opgavebanken.");
  await page.getByRole("button", { name: "Tilføj beslutning" }).click();
  await page.getByTestId("decisions").getByText("Vi søger chauffører").waitFor();
  await page.getByLabel("Hvad skal gøres").fill("Find chauffører");
  await page.getByLabel("Ansvarlig").selectOption({ label: "Vennekredsen ved Plejecenter Solgården" });
  await page.getByLabel("Frist (valgfri)").fill(inDays(30));
  await page.getByRole("button", { name: "Tilføj opfølgningspunkt" }).click();
  await page.getByTestId("actions").getByText("Find chauffører", { exact: true }).waitFor();

  // Back online: each tablet's words are in the merged minutes, on both.
  await carla.device.context.setOffline(false);
  await tablet.device.context.setOffline(false);
  for (const p of [page, second]) {
    await p.waitForFunction(() => {
      const text = document.getElementById("minutes")?.value ?? "";
      return text.includes("Punkt 1: Kørsel") && text.includes("Punkt 2: Julefrokost");
    }, null, { timeout: 30_000 });
  }
  await saved(page);
  await second.getByTestId("checkin-count").getByText("2 er tjekket ind").waitFor({ timeout: 30_000 });
});

test("an action item becomes a task; the minutes are published; the next meeting follows up", async () => {
  const page = carla.page;
  const meetingUrl = page.url();
  await page.getByRole("button", { name: "Opret som opgave" }).click();
  await page.waitForURL(/\/opgaver\/.+\/rediger$/);
  assert.equal(await page.getByLabel("Titel").inputValue(), "Find chauffører");
  await page.goto(meetingUrl);
  await page.getByTestId("actions").getByRole("link", { name: "Se opgaven" }).waitFor();

  // The meeting is ten days ahead (the test's clock): marking it held asks first, with focus
  // on the answer.
  await page.getByRole("button", { name: "Marker som afholdt" }).click();
  await page.getByRole("group", { name: "Mødet er ikke begyndt endnu. Vil du markere det som afholdt alligevel?" }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "held-yes", null, { timeout: 5_000 });
  assert.equal(await page.getByTestId("meeting-status").getByText("Afholdt", { exact: true }).count(), 0);
  await page.getByRole("button", { name: "Ja, marker som afholdt" }).click();
  await page.getByTestId("meeting-status").getByText("Afholdt").waitFor();
  // The pressed button went with the change: focus is on the host panel's heading.
  await page.waitForFunction(() => document.activeElement?.id === "host-title", null, { timeout: 5_000 });
  await page.getByRole("button", { name: "Godkend og offentliggør referatet" }).click();
  await page.getByTestId("meeting-status").getByText("Referat offentliggjort").waitFor();
  await saved(page);
  // The member reads the published minutes.
  await anna.page.getByTestId("minutes").getByText("Punkt 2: Julefrokost").waitFor({ timeout: 30_000 });
  // As written: line by line, the blank line too (not run together into one paragraph).
  assert.match(await anna.page.getByTestId("minutes").innerText(), /Til stede: 2\.\n\nPunkt 1: Kørsel/);

  // The next meeting of the series opens with the open action item first.
  await page.getByLabel("Næste møde om (uger)").fill("4");
  await page.getByRole("button", { name: "Planlæg næste møde i serien" }).click();
  await page.getByTestId("meeting-status").getByText("Kladde").waitFor();
  const first = page.getByTestId("agenda").getByRole("listitem").first();
  assert.match(await first.innerText(), /Opfølgning: Find chauffører/);
  await noOverflow(page);
});

/** The events of an iCalendar text, by summary, as ical.js reads them. */
function eventsOf(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zone = calendar.getFirstSubcomponent("vtimezone");
  assert.ok(zone, "the feed carries its VTIMEZONE");
  assert.equal(zone.getFirstPropertyValue("tzid"), "Europe/Copenhagen");
  return calendar.getAllSubcomponents("vevent").map((v) => ({ vevent: v, event: new ICAL.Event(v) }));
}

test("the member's calendar feed shows her meetings in Danish time, and a cancellation", async () => {
  const phone = anna.page;
  await phone.goto(`${relay.url}/konto`);
  await phone.getByRole("heading", { name: "Min kalender" }).waitFor();
  await phone.getByRole("button", { name: "Lav et kalenderlink" }).click();
  const field = phone.getByLabel("Dit kalenderlink (abonnér på det i din kalender-app)");
  await field.waitFor();
  const url = await field.inputValue();
  assert.match(url, /\/cal\/[0-9a-f]{64}\.ics$/);
  await noOverflow(phone);

  // A calendar app fetches it without a session.
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/calendar/);
  const events = eventsOf(await res.text());
  const mine = events.find((e) => e.event.summary === TITLE);
  assert.ok(mine, `the meeting she answered is in her feed: ${events.map((e) => e.event.summary)}`);
  // Typed as 16:00 on a Danish device: 16:00 Danish time in the feed, whatever the machine's zone.
  assert.equal(mine.vevent.getFirstProperty("dtstart").getParameter("tzid"), "Europe/Copenhagen");
  assert.equal(mine.event.startDate.hour, 16);
  assert.equal(mine.event.endDate.hour, 18);
  const alarm = mine.vevent.getFirstSubcomponent("valarm");
  assert.equal(alarm.getFirstPropertyValue("trigger").toSeconds(), -24 * 3600);
  assert.match(mine.vevent.getFirstPropertyValue("url"), /\/moeder\//);
  // The coordination group's meeting is not hers.
  assert.ok(!events.some((e) => /Koordinationsgruppens/.test(e.event.summary)));

  // Staff cancel the demo series' next meeting, which she said yes to: the feed says so,
  // under the same UID with a higher SEQUENCE.
  const upcoming = "Dialogmøde for ældreområdets foreninger";
  // (The series' held meeting, two weeks ago, is in the feed too: a calendar keeps its past.)
  const before = events.filter((e) => e.event.summary === upcoming && e.event.startDate.toJSDate() > new Date());
  assert.equal(before.length, 1, "the demo's next meeting, answered yes");
  assert.equal(before[0].vevent.getFirstPropertyValue("status"), "CONFIRMED");
  const uid = before[0].event.uid;
  const sequence = before[0].event.sequence;
  const page = carla.page;
  await page.goto(`${relay.url}/moeder`);
  await page.getByTestId("meetings-coming").getByRole("link", { name: upcoming }).click();
  await page.getByRole("button", { name: "Aflys mødet" }).click();
  await page.getByRole("button", { name: "Ja, aflys mødet" }).click();
  await page.getByTestId("meeting-status").getByText("Aflyst").waitFor();
  await saved(page);
  const after = eventsOf(await (await fetch(url)).text()).find((e) => e.event.uid === uid);
  assert.equal(after.vevent.getFirstPropertyValue("status"), "CANCELLED");
  assert.ok(after.event.sequence > sequence, `SEQUENCE ${after.event.sequence} > ${sequence}`);

  // A new link replaces the old one, which stops working at once.
  await phone.getByRole("button", { name: /Lav et nyt kalenderlink/ }).click();
  await phone.getByRole("status").getByText("Dit kalenderlink er klar").waitFor();
  await phone.waitForFunction((old) => document.getElementById("calendar-url")?.value !== old, url);
  assert.equal((await fetch(url)).status, 404);
});
