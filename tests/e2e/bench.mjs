// Browser benchmark (prints numbers, asserts nothing about time): a new device syncing N task
// documents from the real relay, then opening the task list from IndexedDB alone (relay
// stopped) until all N cards are rendered. Run through `cargo xtask bench`, which first makes
// the relay data with N tasks (SAMSKAB_BENCH_DATA) in the sync benchmark.
import { cp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { Relay, freePort, launchDevice, signIn, tempDir } from "./support.mjs";

const source = process.env.SAMSKAB_BENCH_DATA;
const n = Number(process.env.SAMSKAB_BENCH_TASKS ?? 1000);
if (!source) throw new Error("SAMSKAB_BENCH_DATA is not set; run `cargo xtask bench`");

const data = await tempDir("bench-data");
await cp(source, data, { recursive: true });
const relay = await new Relay({ port: await freePort(), data }).start();
const { context, close } = await launchDevice();
// The sync benchmark seeded the demo accounts into the data: read as the demo volunteer.
await signIn(context, relay.url, "anna@demo.samskab.dk");
const page = await context.newPage();
const cards = () => page.waitForFunction(
  (n) => document.querySelectorAll(".task-card").length >= n, n, { polling: "raf", timeout: 300_000 });
const ms = (x) => `${x.toFixed(0)} ms`;

try {
  let t = Date.now();
  await page.goto(`${relay.url}/opgaver`);
  await cards();
  await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 300_000 });
  console.log(`new browser device, ${n} tasks from empty to all saved and listed: ${ms(Date.now() - t)} (debug relay)`);

  await relay.stop();
  for (let run = 1; run <= 3; run++) {
    await page.reload();
    await cards();
    const since = await page.evaluate(() => performance.now());
    const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
    console.log(`offline reload ${run}: ${n} tasks from IndexedDB to the rendered list: ${ms(since)} after navigation start (JS heap ${(heap / 1048576).toFixed(1)} MiB)`);
  }
  const filter = Date.now();
  await page.getByLabel("Søg").fill("Kioskvagt");
  await page.waitForFunction((n) => document.querySelectorAll(".task-card").length < n, n, { polling: "raf" });
  console.log(`search over ${n} tasks, one keystroke burst to the filtered list: ${ms(Date.now() - filter)}`);
} finally {
  await close();
  await relay.stop();
  await rm(data, { recursive: true, force: true });
}

// The CV bank: a staff device syncs every profile she may read, then searches them.
const profileSource = process.env.SAMSKAB_BENCH_PROFILE_DATA;
if (profileSource) {
  const data = await tempDir("bench-profiles");
  await cp(profileSource, data, { recursive: true });
  const relay = await new Relay({ port: await freePort(), data }).start();
  const { context, close } = await launchDevice();
  await signIn(context, relay.url, "carla@demo.samskab.dk");
  const page = await context.newPage();
  try {
    // The sync benchmark wrote how many profiles consent to staff.
    const expected = Number(await readFile(join(data, "bench-staff-profiles"), "utf8"));
    const found = `${expected} frivillige fundet`;
    const count = () => page.getByTestId("cvbank-count").innerText();
    const t = Date.now();
    await page.goto(`${relay.url}/cv-banken`);
    await page.getByTestId("cvbank-count").getByText(found).waitFor({ timeout: 600_000 });
    await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 600_000 });
    console.log(`new staff browser device, CV bank from empty to all ${expected} profiles stored and searchable: ${ms(Date.now() - t)} (debug relay)`);
    await relay.stop();
    await page.reload();
    const since = Date.now();
    await page.getByTestId("cvbank-count").getByText(found).waitFor({ timeout: 120_000 });
    console.log(`offline reload: the CV bank from IndexedDB, indexed and counted: ${ms(Date.now() - since)}`);

    // Each keystroke: the input event, the search over every profile and the re-render,
    // timed inside the page until the next frame.
    const word = "førstehjælp";
    const times = [];
    for (let i = 1; i <= word.length; i++) {
      times.push(await page.evaluate(async (text) => {
        const input = document.getElementById("cvbank-text");
        const t0 = performance.now();
        input.value = text;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return performance.now() - t0;
      }, word.slice(0, i)));
    }
    times.sort((a, b) => a - b);
    console.log(`CV bank search, typing "${word}" over ${expected} profiles: per keystroke median ${ms(times[times.length >> 1])}, max ${ms(times[times.length - 1])} (${await count()} at the end)`);
  } finally {
    await close();
    await relay.stop();
    await rm(data, { recursive: true, force: true });
  }
}
