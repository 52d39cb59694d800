// Beskeder in real browsers against the real relay: a volunteer on her phone finds what the
// relay told her (her group's next meeting, the minutes of the last) behind the header's
// envelope, chooses to be told in the app only and two days ahead; the host cancels the
// meeting she said yes to on another device; the cancellation reaches her inbox with its date
// and place, opens the meeting's page and is then read, with the meeting's earlier notice;
// her choices survive a reload.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import ICAL from "ical.js";
import { Relay, freePort, openSignedIn, saved, tempDir } from "./support.mjs";

const UPCOMING = "Dialogmøde for ældreområdets foreninger";
let relay, data, carla, anna;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({
    port: await freePort(),
    data,
    args: ["--demo", "--notice-every-secs", "1"],
  }).start();
  anna = await openSignedIn(relay, "/opgaver", "anna@demo.samskab.dk", { width: 360, height: 740 });
  carla = await openSignedIn(relay, "/moeder", "carla@demo.samskab.dk", { width: 1024, height: 900 });
});

after(async () => {
  for (const d of [carla, anna]) await d?.device.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

async function unreadCount(page) {
  const text = await page.getByTestId("unread").innerText();
  return Number(text.split(" ")[0]);
}

test("a cancellation reaches the inbox of those coming, in the app only as chosen", async () => {
  const phone = anna.page;
  // The envelope in the header says how many notices are unread.
  const envelope = phone.getByRole("link", { name: /^Beskeder, \d+ ulæste?$/ });
  await envelope.waitFor({ timeout: 30_000 });
  await envelope.click();
  await phone.getByRole("heading", { level: 1, name: "Beskeder" }).waitFor();
  await phone.getByRole("link", { name: `Nyt møde: ${UPCOMING}` }).waitFor();
  await phone.getByRole("link", { name: /^Referat: / }).waitFor();
  const announced = phone.getByTestId("notice").filter({ hasText: `Nyt møde: ${UPCOMING}` });
  await announced.getByText("Ulæst", { exact: true }).waitFor();

  // She wants notices in the app only, and reminders two days ahead.
  await phone.getByRole("radio", { name: "Kun her i appen" }).check();
  await phone.getByTestId("inbox-saved").getByText("Gemt.").waitFor();
  await phone.getByLabel("Påmind mig før møder og vagter").selectOption({ label: "2 dage før" });
  await saved(phone);
  const unreadBefore = await unreadCount(phone);

  // The host cancels the meeting Anna said yes to.
  const page = carla.page;
  await page.getByTestId("meetings-coming").getByRole("link", { name: UPCOMING }).click();
  await page.getByRole("button", { name: "Aflys mødet" }).click();
  await page.getByRole("button", { name: "Ja, aflys mødet" }).click();
  await page.getByTestId("meeting-status").getByText("Aflyst").waitFor();
  await saved(page);

  // It reaches her inbox: when and where, not mailed.
  const cancelled = phone.getByTestId("notice").filter({ hasText: `Aflyst: ${UPCOMING}` });
  await cancelled.waitFor({ timeout: 30_000 });
  // textContent, not innerText: a card is `content-visibility: auto`, and in the frame it
  // arrives its text may not be rendered yet (innerText then reads "").
  const text = await cancelled.textContent();
  assert.match(text, /Mødet er aflyst\./);
  assert.match(text, /Tid: /);
  assert.match(text, /Sted: /);
  assert.doesNotMatch(text, /Også sendt som e-mail/);
  await cancelled.getByText("Ulæst", { exact: true }).waitFor();
  assert.equal(await unreadCount(phone), unreadBefore + 1);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);

  // Opening it leads to the meeting and marks it read, and with it the meeting's first
  // notice: the meeting's page says what both came to say.
  await cancelled.getByRole("link", { name: `Aflyst: ${UPCOMING}` }).click();
  await phone.getByRole("heading", { level: 1, name: UPCOMING }).waitFor();
  await phone.goBack();
  await phone.getByRole("heading", { level: 1, name: "Beskeder" }).waitFor();
  await phone
    .getByTestId("notice")
    .filter({ hasText: `Aflyst: ${UPCOMING}` })
    .getByText("Ulæst", { exact: true })
    .waitFor({ state: "detached" });
  await announced.getByText("Ulæst", { exact: true }).waitFor({ state: "detached" });
  assert.equal(await unreadCount(phone), unreadBefore - 1);

  // Her choices are kept (on the device and at the relay).
  await saved(phone);
  await phone.reload();
  await phone.getByRole("heading", { level: 1, name: "Beskeder" }).waitFor();
  await saved(phone);
  assert.ok(await phone.getByRole("radio", { name: "Kun her i appen" }).isChecked());
  assert.equal(await phone.getByLabel("Påmind mig før møder og vagter").inputValue(), "48");
});

test("a shift goes into her calendar with her own reminder time", async () => {
  const phone = anna.page;
  const task = "IT-hjælp til seniorer";
  await phone.goto(`${relay.url}/opgaver`);
  await saved(phone);
  const href = await phone.getByRole("link", { name: task }).getAttribute("href");
  await phone.goto(`${relay.url}${href}`);
  await phone.getByRole("heading", { level: 1, name: task }).waitFor();
  const shift = phone.getByTestId("shift").first();
  await shift.getByRole("button", { name: "Tilmeld" }).click();
  const add = shift.getByRole("link", { name: /^Tilføj vagten til kalender: / });
  await add.waitFor();
  await saved(phone);

  // The file as her calendar app gets it, read by ical.js: the shift in Danish time, under a
  // stable UID, with the reminder two days ahead that she chose in Beskeder.
  const res = await phone.request.get(`${relay.url}${await add.getAttribute("href")}`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()["content-type"], /^text\/calendar/);
  const calendar = new ICAL.Component(ICAL.parse(await res.text()));
  assert.equal(calendar.getFirstSubcomponent("vtimezone").getFirstPropertyValue("tzid"), "Europe/Copenhagen");
  const vevent = calendar.getFirstSubcomponent("vevent");
  const event = new ICAL.Event(vevent);
  assert.equal(event.summary, task);
  assert.equal(vevent.getFirstProperty("dtstart").getParameter("tzid"), "Europe/Copenhagen");
  assert.match(event.uid, /^[1-9A-HJ-NP-Za-km-z]+-[^@]+@samskab$/);
  assert.equal(vevent.getFirstPropertyValue("status"), "CONFIRMED");
  const trigger = vevent.getFirstSubcomponent("valarm").getFirstPropertyValue("trigger");
  assert.equal(trigger.toSeconds(), -48 * 3600);
});
