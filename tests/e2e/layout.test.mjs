// Layout and accessibility of every page, measured in a real browser against the real relay:
// no horizontal scroll at 320, 390, 820 and 1366 px (WCAG 1.4.10), logged out and as each
// demo role, in Danish and English; logged-out pages use the full width; at 390x844 the first
// task card is on the first screen; the skip link and navigation move focus; focus rings have
// at least 3:1 contrast against what is behind them; touch targets are at least 44 px.
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoRelayForFile, launchDevice, signIn } from "./support.mjs";

const WIDTHS = [320, 390, 820, 1366];
const KIOSK = "Kioskvagt til hjemmekamp";
const world = demoRelayForFile();


async function device(email) {
  const d = await launchDevice();
  world.devices.push(d);
  if (email) await signIn(d.context, world.relay.url, email);
  const page = await d.context.newPage();
  await page.setViewportSize({ width: 1366, height: 900 });
  return page;
}

async function synced(page) {
  await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 45_000 });
}

/** Where the kiosk task lives on this device. */
async function kioskPath(page) {
  await page.goto(`${world.relay.url}/opgaver`);
  await synced(page);
  return page.getByRole("link", { name: KIOSK }).first().getAttribute("href");
}

/** Pages wider than the window at each width: "<page> at <width>: <scrollWidth>". */
async function overflows(page, label) {
  const found = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 844 });
    await page.waitForFunction(() => window.innerWidth > 0);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { scroll, inner, culprit, hidden } = await page.evaluate(() => {
      const inner = window.innerWidth;
      // The widest element sticking out, to say what to fix.
      let culprit = "";
      for (const el of document.body.querySelectorAll("*")) {
        const r = el.getBoundingClientRect();
        if (r.right > inner + 0.5 && r.width > 0) {
          culprit = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}.${[...el.classList].join(".")} (${Math.round(r.right)})`;
        }
      }
      // The availability grid may scroll inside itself, but must not need to: its last
      // column ("aften") was cut off at 320 px with no sign that it scrolled.
      const hidden = [...document.querySelectorAll(".grid")].filter((g) => g.scrollWidth > g.clientWidth + 1).map((g) => `${g.scrollWidth} > ${g.clientWidth}`);
      return { scroll: document.documentElement.scrollWidth, inner, culprit, hidden };
    });
    if (scroll > inner) found.push(`${label} at ${width}: ${scroll} > ${inner}; ${culprit}`);
    if (hidden.length) found.push(`${label} at ${width}: the availability grid scrolls inside itself (${hidden.join(", ")})`);
  }
  return found;
}

async function visit(page, path) {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(`${world.relay.url}${path}`);
  // The first paint (index.html's own header and heading) is measured as little as anything
  // else here: the app replaces it when it starts, and an element of it measured as it goes
  // is 0 px wide. Its elements carry `data-first-paint`; the app's never do.
  await page.waitForFunction(() => !document.querySelector("[data-first-paint]"));
  await page.locator("main h1").first().waitFor();
}

test("no page scrolls sideways at 320, 390, 820 or 1366 px, logged out or as any role", async () => {
  const problems = [];
  const loggedOut = await device(null);
  // The open task bank: the list and a task's page, as a visitor without an account sees them.
  await visit(loggedOut, "/");
  await loggedOut.getByRole("link", { name: KIOSK }).first().waitFor();
  problems.push(...(await overflows(loggedOut, "logged out: Opgaver")));
  const openKiosk = await loggedOut.getByRole("link", { name: KIOSK }).first().getAttribute("href");
  await visit(loggedOut, openKiosk);
  problems.push(...(await overflows(loggedOut, "logged out: the kiosk task")));
  await visit(loggedOut, "/log-ind");
  problems.push(...(await overflows(loggedOut, "logged out: Log ind")));
  await loggedOut.getByRole("button", { name: "Ny frivillig? Opret en konto" }).click();
  await loggedOut.getByRole("heading", { name: "Opret konto" }).waitFor();
  problems.push(...(await overflows(loggedOut, "logged out: Opret konto")));
  await visit(loggedOut, "/invitation/ukendt-kode");
  problems.push(...(await overflows(loggedOut, "logged out: Invitation")));
  await visit(loggedOut, "/glemt-adgangskode");
  problems.push(...(await overflows(loggedOut, "logged out: Glemt adgangskode")));
  await visit(loggedOut, `/nulstil-adgangskode#${"0".repeat(64)}`);
  problems.push(...(await overflows(loggedOut, "logged out: Nulstil adgangskode")));

  const common = ["/opgaver", "/cv", "/konto", "/koordinering", "/moeder", "/ideer", "/kaffepulje", "/findes-ikke"];
  const roles = [
    ["anna@demo.samskab.dk", [...common]],
    ["bo@demo.samskab.dk", [...common, "/opgaver/ny", "/cv-banken", "EDIT"]],
    ["carla@demo.samskab.dk", [...common, "/opgaver/ny", "/cv-banken", "/moeder/ny", "/grupper/koordinationsgruppen"]],
    ["admin@demo.samskab.dk", [...common, "/opgaver/ny", "/cv-banken"]],
  ];
  for (const [email, paths] of roles) {
    const page = await device(email);
    const kiosk = await kioskPath(page);
    const all = [...paths, kiosk].map((p) => (p === "EDIT" ? `${kiosk}/rediger` : p));
    for (const lang of ["Dansk", "English"]) {
      if (lang === "English") {
        await visit(page, "/opgaver");
        await page.getByRole("button", { name: "English" }).click();
      }
      for (const path of all) {
        await visit(page, path);
        problems.push(...(await overflows(page, `${email.split("@")[0]} (${lang}): ${path}`)));
      }
    }
  }
  assert.deepEqual(problems, []);
});

test("logged-out pages use the full width on a tablet", async () => {
  const page = await device(null);
  await visit(page, "/");
  await page.setViewportSize({ width: 820, height: 1180 });
  const width = await page.locator("main").evaluate((m) => m.getBoundingClientRect().width);
  assert.ok(width >= 700, `main is ${width} px wide at 820 px`);
});

test("on a 390x844 phone the first task card is on the first screen, and the whole card opens the task", async () => {
  const page = await device("anna@demo.samskab.dk");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${world.relay.url}/opgaver`);
  await synced(page);
  const card = page.getByTestId("task-list").getByRole("listitem").first();
  await card.waitFor();
  const box = await card.boundingBox();
  assert.ok(box.y + box.height <= 844, `the first card ends at ${Math.round(box.y + box.height)} px`);
  // A tap on the card, away from its title link, opens the task.
  const title = await card.getByRole("link").innerText();
  await card.click({ position: { x: box.width - 12, y: box.height - 10 } });
  await page.getByRole("heading", { name: title, level: 1 }).waitFor();
});

test("the skip link moves focus to the page, and navigation puts focus on the page's heading", async () => {
  const page = await device("anna@demo.samskab.dk");
  await page.goto(`${world.relay.url}/opgaver`);
  await synced(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Gå til indhold" });
  assert.ok(await skip.evaluate((el) => el === document.activeElement), "the skip link is the first stop");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("main")?.contains(document.activeElement));

  await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "Mit CV" }).click();
  await page.waitForFunction(() => document.activeElement?.tagName === "H1");
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Mit CV");
  await page.goBack();
  await page.waitForFunction(() => document.activeElement?.tagName === "H1" && document.activeElement.textContent.trim() === "Opgaver");
});

/** Contrast ratio of two "rgb(...)" colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("every focus ring has 3:1 contrast against its background, and targets are 44 px", async () => {
  const page = await device("bo@demo.samskab.dk");
  const kiosk = await kioskPath(page);
  const problems = [];
  for (const path of ["/opgaver", kiosk, "/opgaver/ny", "/cv", "/koordinering", "/cv-banken", "/konto"]) {
    await visit(page, path);
    await page.setViewportSize({ width: 390, height: 844 });
    // Tab through the page; for each stop read the ring and what is behind it.
    const seen = new Set();
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press("Tab");
      const stop = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        let bg = "rgba(0, 0, 0, 0)";
        // The ring is drawn outside the element (offset 2 px): what is behind it is the parent's.
        for (let p = el.parentElement; p; p = p.parentElement) {
          const c = getComputedStyle(p).backgroundColor;
          if (!/rgba\(.*, 0\)$/.test(c) && c !== "transparent") { bg = c; break; }
        }
        if (/rgba\(.*, 0\)$/.test(bg)) bg = getComputedStyle(document.body).backgroundColor;
        // A task card's title link is stretched over the whole card: the card is the target.
        // A checkbox's or radio's target is its label (the box itself is smaller).
        const box = el.type === "checkbox" || el.type === "radio"
          ? el.closest("label") ?? (el.id && document.querySelector(`label[for="${el.id}"]`)) ?? el
          : el.closest(".task-card") ?? el;
        const r = box.getBoundingClientRect();
        const inText = el.tagName === "A" && el.closest("p, li, dd") &&
          el.closest("p, li, dd").textContent.trim() !== el.textContent.trim();
        return {
          name: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`,
          outline: style.outlineStyle === "none" ? null : style.outlineColor,
          width: parseFloat(style.outlineWidth),
          offset: parseFloat(style.outlineOffset),
          bg,
          own: style.backgroundColor,
          height: r.height,
          boxWidth: r.width,
          inText,
          type: el.getAttribute("type"),
        };
      });
      if (!stop || seen.has(stop.name)) continue;
      seen.add(stop.name);
      const where = `${path}: ${stop.name}`;
      if (!stop.outline || stop.width < 2) {
        problems.push(`${where}: no visible focus ring`);
        continue;
      }
      // An inset ring sits on the element's own background.
      const transparent = /rgba\(.*, 0\)$/.test(stop.own) || stop.own === "transparent";
      const behind = stop.offset < 0 && !transparent ? stop.own : stop.bg;
      const ratio = contrast(stop.outline, behind);
      if (ratio < 3) problems.push(`${where}: ring ${stop.outline} on ${behind} is ${ratio.toFixed(2)}:1`);
      const small = Math.min(stop.height, stop.boxWidth) < 44;
      if (small && !stop.inText) problems.push(`${where}: target ${Math.round(stop.boxWidth)}x${Math.round(stop.height)} px`);
    }
  }
  assert.deepEqual(problems, []);
});
