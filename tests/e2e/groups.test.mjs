// Groups and invitations in real browsers against the real relay: staff find a person at the
// relay by name and add them to the coordination group, and the person's phone, open all the
// while, shows the group's meeting without a reload (the relay re-asks who may read a meeting
// when its groups change); staff plan a meeting for invited people only, invite the person by
// the same search, and the invited phone shows it while no one else's does.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Relay, freePort, inDays, openSignedIn, saved, tempDir } from "./support.mjs";

const COORDINATION = "Koordinationsgruppens månedsmøde";
const PRIVATE = "Samtale om frivilligpolitikken";
let relay, data, carla, anna, bo;

before(async () => {
  data = await tempDir("data");
  relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();
  carla = await openSignedIn(relay, "/grupper", "carla@demo.samskab.dk", { width: 800, height: 1100 });
  anna = await openSignedIn(relay, "/moeder", "anna@demo.samskab.dk", { width: 360, height: 740 });
  bo = await openSignedIn(relay, "/moeder", "bo@demo.samskab.dk", { width: 360, height: 740 });
});

after(async () => {
  for (const d of [carla, anna, bo]) await d?.device.close();
  await relay?.stop();
  await rm(data, { recursive: true, force: true });
});

test("staff add a person to a group by name; her open phone shows the group's meeting", async () => {
  const phone = anna.page;
  await phone.getByRole("heading", { level: 1 }).waitFor();
  assert.equal(await phone.getByRole("link", { name: COORDINATION }).count(), 0, "not hers yet");

  const page = carla.page;
  await page.getByRole("link", { name: "Koordinationsgruppen" }).click();
  await page.getByRole("heading", { level: 1, name: "Koordinationsgruppen" }).waitFor();
  const people = page.getByTestId("group-people");
  await people.getByText("Carla Kommune").waitFor();
  await page.getByLabel("Find en person (navn eller e-mail)").fill("frivillig");
  await page.getByRole("button", { name: "Søg", exact: true }).click();
  await page.getByRole("status").getByText("1 person fundet.").waitFor();
  await page.getByRole("button", { name: "Tilføj Anna Frivillig" }).click();
  await people.getByText("Anna Frivillig").waitFor();
  await saved(page);

  await phone.getByRole("link", { name: COORDINATION }).waitFor({ timeout: 30_000 });
});

test("a meeting for invited people only reaches the invited and no one else", async () => {
  const page = carla.page;
  await page.goto(`${relay.url}/moeder`);
  await page.getByRole("link", { name: "Planlæg et møde" }).click();
  await page.getByRole("heading", { level: 1, name: "Planlæg et møde" }).waitFor();
  await page.getByLabel("Mødets titel").fill(PRIVATE);
  await page.getByLabel("Dato", { exact: true }).fill(inDays(12));
  await page.getByLabel("Fra", { exact: true }).fill("10:00");
  await page.getByLabel("Til", { exact: true }).fill("11:00");
  await page.getByLabel("Adresse", { exact: true }).fill("Faxe Rådhus, Frederiksgade 9");
  await page.getByLabel("Kun inviterede personer").check();
  await page.getByText("Ingen er inviteret endnu.").waitFor();
  // Enter in the search field searches; it does not submit the meeting's form.
  await page.getByLabel("Find en person (navn eller e-mail)").fill("anna@demo");
  await page.getByLabel("Find en person (navn eller e-mail)").press("Enter");
  await page.getByRole("button", { name: "Tilføj Anna Frivillig" }).click();
  await page.getByTestId("invited").getByText("Anna Frivillig").waitFor();
  await page.getByRole("button", { name: "Gem mødet" }).click();
  await page.getByRole("heading", { level: 1, name: PRIVATE }).waitFor();
  await page.getByRole("button", { name: "Offentliggør mødet" }).click();
  await page.getByTestId("meeting-status").getByText("Offentliggjort").waitFor();
  await saved(page);

  await anna.page.getByRole("link", { name: PRIVATE }).waitFor({ timeout: 30_000 });
  // Bo, a coordinator not invited, is synced up and does not have it.
  await saved(bo.page);
  await bo.page.reload();
  await saved(bo.page);
  await bo.page.getByRole("link", { name: COORDINATION }).waitFor();
  assert.equal(await bo.page.getByRole("link", { name: PRIVATE }).count(), 0, "Bo was not invited");
});
