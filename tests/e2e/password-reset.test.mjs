// "Glemt adgangskode" in the browser, against the real relay sending mail to a real SMTP
// server (aiosmtpd): a volunteer asks for a link on the login page, the mail arrives, the link
// opens the reset page, the new password signs her in and works for the next login, and the
// old one no longer does. Staff make a link in Min konto and hand it over; it works on another
// device. The pages keep their problems beside the field, focus the field, and do not scroll
// sideways at 320 px.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Relay, SmtpSink, freePort, launchDevice, signIn, tempDir } from "./support.mjs";

const SENT =
  "Hvis der findes en konto med den e-mail, har vi sendt et link. Se i din indbakke (også uønsket post).";
let relay, data, sink;
const devices = [];

before(async () => {
  data = await tempDir("data");
  sink = await new SmtpSink().start();
  relay = await new Relay({
    port: await freePort(),
    data,
    args: [
      "--demo",
      "--smtp-host", "127.0.0.1",
      "--smtp-port", String(sink.port),
      "--smtp-tls", "none",
      "--smtp-from", "Samskab <noreply@example.dk>",
    ],
  }).start();
});

after(async () => {
  for (const d of devices) await d.close();
  await relay?.stop();
  await sink?.stop();
  await rm(data, { recursive: true, force: true });
});

async function newPage() {
  const d = await launchDevice();
  devices.push(d);
  return { context: d.context, page: await d.context.newPage() };
}

/** A volunteer of her own, registered through the API (no Origin: as a tool). */
async function volunteer(name) {
  const email = `${name.toLowerCase()}-${Date.now()}@example.dk`;
  const res = await fetch(`${relay.url}/api/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, email, password: "den gamle kode" }),
  });
  assert.equal(res.status, 201);
  return email;
}

/** Waits until the focused element is the one labelled `label`. */
async function focusedOn(page, label) {
  const field = page.getByLabel(label, { exact: true });
  await page.waitForFunction((el) => document.activeElement === el, await field.elementHandle());
}

/** The page's width beyond the window at 320 px (0: no sideways scroll). */
async function overflowAt320(page) {
  await page.setViewportSize({ width: 320, height: 700 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** Buttons, links and fields of `main` smaller than 44 px either way (checkboxes aside). */
async function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("main a, main button, main input:not([type=checkbox])")]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && Math.min(r.width, r.height) < 44)
      .map(({ el, r }) => `${el.tagName} "${el.textContent.trim() || el.id}" ${Math.round(r.width)}x${Math.round(r.height)}`),
  );
}

async function logIn(page, email, password) {
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Adgangskode", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Log ind" }).click();
}

/** The mails this file's tests caused: not the demo accounts' own notices and reminders, which
 * the relay sends when they fall due (a demo meeting's reminder at some hours of the day). */
async function ours() {
  return (await sink.messages()).filter((m) => !m.rcpt_tos.every((r) => r.endsWith("@demo.samskab.dk")));
}

test("a volunteer resets a forgotten password with the mailed link and logs in with it", async () => {
  const email = await volunteer("Ditte");
  const { page } = await newPage();
  // Logging in from the open task bank's header.
  await page.goto(relay.url);
  await page.getByRole("banner").getByRole("link", { name: "Log ind" }).click();
  await page.getByRole("heading", { name: "Log ind" }).waitFor();
  await page.getByRole("link", { name: "Glemt adgangskode?" }).click();
  await page.getByRole("heading", { name: "Glemt adgangskode" }).waitFor();
  assert.equal(await overflowAt320(page), 0, "no sideways scroll at 320 px");
  assert.deepEqual(await smallTargets(page), []);

  // A problem is said beside the field, and the field gets the focus.
  await page.getByLabel("E-mail").fill("ditte-uden-snabel-a");
  await page.getByRole("button", { name: "Send link" }).click();
  await page.getByText("Skriv en gyldig e-mail-adresse").waitFor();
  await focusedOn(page, "E-mail");
  assert.equal(await page.getByLabel("E-mail").getAttribute("aria-invalid"), "true");
  assert.deepEqual(await ours(), [], "no mail for an address that is not one");

  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "Send link" }).click();
  await page.getByRole("status").filter({ hasText: SENT }).waitFor();
  const [mail] = await sink.waitForMail((m) => m.rcpt_tos.includes(email));
  assert.deepEqual(mail.rcpt_tos, [email]);
  assert.match(mail.subject, /^Nulstil din adgangskode/);
  const link = mail.body.match(/\S+\/nulstil-adgangskode#[0-9a-f]{64}/)?.[0];
  assert.ok(link, mail.body);
  assert.ok(link.startsWith(`${relay.url}/`), `the link is the relay's: ${link}`);

  await page.goto(link);
  await page.getByRole("heading", { name: "Vælg en ny adgangskode" }).waitFor();
  assert.ok(page.url().endsWith("/nulstil-adgangskode"), `the token left the address bar: ${page.url()}`);
  assert.equal(await overflowAt320(page), 0);
  assert.deepEqual(await smallTargets(page), []);
  const field = page.getByLabel("Ny adgangskode", { exact: true });
  await field.fill("kort");
  await page.getByRole("button", { name: "Gem ny adgangskode" }).click();
  await page.getByText("Adgangskoden skal have mindst 10 tegn.").waitFor();
  await focusedOn(page, "Ny adgangskode");
  await page.getByLabel("Vis adgangskode").check();
  assert.equal(await field.getAttribute("type"), "text");
  await field.fill("min helt nye kode");
  await page.getByRole("button", { name: "Gem ny adgangskode" }).click();

  // Signed in at once, and told so.
  await page.getByRole("button", { name: "Log ud" }).waitFor();
  await page.getByText("Ditte").first().waitFor();
  await page.getByRole("status").filter({ hasText: "Din adgangskode er skiftet, og du er logget ind." }).waitFor();
  await page.getByRole("button", { name: "OK" }).click();
  await page.getByTestId("said").waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Log ud" }).click();
  await page.getByRole("banner").getByRole("link", { name: "Log ind" }).click();
  await page.getByRole("heading", { name: "Log ind" }).waitFor();
  await logIn(page, email, "den gamle kode");
  await page.getByText("Forkert e-mail eller adgangskode.").waitFor();
  await logIn(page, email, "min helt nye kode");
  await page.getByRole("button", { name: "Log ud" }).waitFor();

  // The link worked once.
  const again = await fetch(`${relay.url}/api/password/reset`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: link.split("#")[1], password: "en tredje kode her" }),
  });
  assert.equal(again.status, 400);
  assert.equal((await again.json()).error, "reset_invalid");
});

test("staff make a one-time link in Min konto; the volunteer sets a password with it", async () => {
  const email = await volunteer("Erik");
  const carla = await newPage();
  await carla.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: relay.url });
  await signIn(carla.context, relay.url, "carla@demo.samskab.dk");
  const page = carla.page;
  await page.goto(`${relay.url}/konto`);
  await page.getByRole("heading", { name: "Nulstil adgangskode for en frivillig" }).waitFor();

  await page.getByLabel("Den frivilliges e-mail").fill("ingen-konto@example.dk");
  await page.getByRole("button", { name: "Lav link" }).click();
  await page.getByText("Der findes ingen konto med den e-mail.").waitFor();
  await focusedOn(page, "Den frivilliges e-mail");

  await page.getByLabel("Den frivilliges e-mail").fill(email);
  await page.getByRole("button", { name: "Lav link" }).click();
  const linkField = page.getByLabel("Link til at nulstille adgangskoden for Erik");
  await linkField.waitFor();
  const link = await linkField.inputValue();
  assert.match(link, /\/nulstil-adgangskode#[0-9a-f]{64}$/);
  assert.equal(await linkField.getAttribute("readonly"), "");
  await page.getByText(/Linket virker én gang, til /).waitFor();
  await page.getByRole("button", { name: "Kopiér link" }).click();
  await page.getByRole("status").filter({ hasText: "Linket er kopieret." }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  assert.equal(await overflowAt320(page), 0, "Min konto with a link shown, at 320 px");
  assert.deepEqual(await smallTargets(page), []);

  const erik = await newPage();
  await erik.page.goto(link);
  await erik.page.getByLabel("Ny adgangskode", { exact: true }).fill("eriks nye kode");
  await erik.page.getByRole("button", { name: "Gem ny adgangskode" }).click();
  await erik.page.getByRole("button", { name: "Log ud" }).waitFor();
  const login = await fetch(`${relay.url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "eriks nye kode" }),
  });
  assert.equal(login.status, 200);
});
