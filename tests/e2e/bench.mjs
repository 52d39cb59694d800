// Browser benchmark (prints numbers, asserts nothing about time): a new device syncing N task
// documents from the real relay, then opening the task list from IndexedDB alone (relay
// stopped) until its first page of cards and the count of all N are shown. Run through
// `cargo xtask bench`, which first makes the relay data with N tasks (SAMSKAB_BENCH_DATA) in
// the sync benchmark. Each figure is printed beside its budget (issue #14).
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cp, readFile, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Relay, freePort, launchDevice, signIn, tempDir } from "./support.mjs";

// Node 22 has a WebSocket client of its own; Node 20 (Debian's) takes the `ws` package's,
// which automerge-repo's WebSocket adapter brings.
const WebSocketClient = globalThis.WebSocket ?? (await import("ws")).default;

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
// The list shows a page of cards and says how many there are in all ("Viser 50 af 1.000
// opgaver"): listed means both are on the screen. (A build without the count, from before
// the list was paged, is listed when every card is: the same script measures both.)
const PAGE = 50;
const danish = (x) => x.toLocaleString("da-DK");
const all = `${danish(n)} opgave`;
const listed = ([n, page, all]) => {
  const count = document.querySelector('[data-testid="task-count"]');
  const cards = document.querySelectorAll(".task-card").length;
  return count ? cards >= Math.min(n, page) && count.textContent.includes(all) : cards >= n;
};
const cards = () => page.waitForFunction(listed, [n, PAGE, all], { polling: "raf", timeout: 300_000 });
const ms = (x) => `${x.toFixed(0)} ms`;
const budget = (x, limit) => `${ms(x)} (budget ${ms(limit)}: ${x <= limit ? "met" : "NOT met"})`;
// When the sync client had read its index from IndexedDB (the lists render from it), when it
// had read the documents, and when the sync engine (a chunk of its own, fetched after the
// first render) had taken them in: marks it sets (absent in older builds; the documents may
// still be loading when the list shows).
const marks = async (page) => {
  await page.waitForFunction(() => performance.getEntriesByName("samskab:documents-loaded").length > 0, null, { timeout: 5_000 }).catch(() => {});
  const [index, store, engine] = await page.evaluate(() =>
    ["samskab:index-loaded", "samskab:store-loaded", "samskab:documents-loaded"].map((name) => performance.getEntriesByName(name)[0]?.startTime));
  return index === undefined
    ? ""
    : `; index read at ${ms(index)}, documents read at ${ms(store)}, the sync engine running with them at ${engine === undefined ? "?" : ms(engine)}`;
};

try {
  let t = Date.now();
  await page.goto(`${relay.url}/opgaver`);
  await cards();
  await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 300_000 });
  console.log(`new browser device, ${n} tasks from empty to all saved and listed: ${ms(Date.now() - t)} (release relay)`);

  await relay.stop();
  for (let run = 1; run <= 3; run++) {
    await page.reload();
    await cards();
    const since = await page.evaluate(() => performance.now());
    const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
    console.log(`offline reload ${run}: ${n} tasks from IndexedDB to the listed first page and count: ${budget(since, 500)} after navigation start${await marks(page)} (JS heap ${(heap / 1048576).toFixed(1)} MiB)`);
  }
  const filter = Date.now();
  await page.getByLabel("Søg").fill("Kioskvagt");
  await page.waitForFunction(([n, all]) => {
    const count = document.querySelector('[data-testid="task-count"]');
    return count ? !count.textContent.includes(all) : document.querySelectorAll(".task-card").length < n;
  }, [n, all], { polling: "raf" });
  console.log(`search over ${n} tasks, one keystroke burst to the filtered list: ${ms(Date.now() - filter)}`);
} finally {
  await close();
  await relay.stop();
  await rm(data, { recursive: true, force: true });
}

// CPU time by process (Linux /proc), to say what limits a figure on a machine with few cores:
// Chromium's renderer (the page: wasm and JS), its browser process (IndexedDB and the IPC
// between processes), its network service, the relay, and everything else. `at()` takes a
// snapshot; `since(before)` gives the ms each group used since.
const cpuTime = {
  at() {
    const procs = new Map();
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        procs.set(pid, { cmd, ms: (Number(fields[11]) + Number(fields[12])) * 10 });
      } catch {
        // The process ended meanwhile.
      }
    }
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return { procs, busy: (user + nice + system + irq + softirq + steal) * 10, all: (user + nice + system + idle + iowait + irq + softirq + steal) * 10 };
  },
  since(before, relayPid) {
    const now = cpuTime.at();
    const groups = { renderer: 0, "browser process": 0, "network service": 0, relay: 0, "everything else": 0 };
    for (const [pid, { cmd, ms }] of now.procs) {
      const used = ms - (before.procs.get(pid)?.ms ?? 0);
      if (used <= 0) continue;
      const chromium = /chrom/.test(cmd.split("\0")[0]);
      const group = String(relayPid) === pid ? "relay"
        : chromium && cmd.includes("--type=renderer") ? "renderer"
        : chromium && cmd.includes("network.mojom.NetworkService") ? "network service"
        : chromium && !cmd.includes("--type=") ? "browser process"
        : "everything else";
      groups[group] += used;
    }
    const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
    const cores = availableParallelism();
    return `${Object.entries(groups).map(([g, ms]) => `${g} ${secs(ms)}`).join(", ")}; the machine's ${cores} cores were busy ${secs(now.busy - before.busy)} of ${secs(now.all - before.all)}`;
  },
};

// The staff device's first sync again, in a Chromium that Playwright does not drive. With
// Playwright attached, DevTools' network events copy every WebSocket frame to the script
// (base64, through the browser process): about 1 s of CPU on 2 cores that no person's
// browser spends. Here the page is driven over the DevTools protocol with `Page` and
// `Runtime` alone, and the page times itself: from the login's response (its resource
// timing) to the count of every profile on screen with everything saved. This is the figure
// held against the budget (2 times the Rust client's, which syncs in batches as the app does).
// How long the form stays filled in before "Log ind" (SAMSKAB_BENCH_TYPING_MS; 0 presses it
// at once, before the sync engine the first focus started fetching has compiled).
const TYPING_MS = Number(process.env.SAMSKAB_BENCH_TYPING_MS ?? 3_000);
async function staffSyncUndriven(source, expected) {
  const data = await tempDir("bench-profiles-undriven");
  await cp(source, data, { recursive: true });
  const relay = await new Relay({ port: await freePort(), data }).start();
  const profile = await tempDir("profile-undriven");
  const chrome = spawn(process.env.CHROMIUM ?? "/usr/bin/chromium", [
    "--headless=new", "--remote-debugging-port=0", `--user-data-dir=${profile}`, "--no-sandbox",
    "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--lang=da-DK", "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"] });
  try {
    const endpoint = await new Promise((resolve, reject) => {
      let err = "";
      chrome.stderr.on("data", (chunk) => {
        err += chunk;
        const found = err.match(/DevTools listening on (ws:\/\/\S+)/);
        if (found) resolve(found[1]);
      });
      chrome.once("exit", (code) => reject(new Error(`chromium exited (${code}): ${err}`)));
    });
    const targets = await (await fetch(`http://127.0.0.1:${new URL(endpoint).port}/json/list`)).json();
    const socket = new WebSocketClient(targets.find((t) => t.type === "page").webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve);
      socket.addEventListener("error", reject);
    });
    let next = 0;
    const answers = new Map();
    socket.addEventListener("message", (event) => {
      const answer = JSON.parse(String(event.data));
      answers.get(answer.id)?.(answer);
      answers.delete(answer.id);
    });
    const call = (method, params = {}) => new Promise((resolve) => {
      next += 1;
      answers.set(next, resolve);
      socket.send(JSON.stringify({ id: next, method, params }));
    });
    const evaluate = async (expression) => {
      const answer = await call("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
      if (answer.result?.exceptionDetails) throw new Error(JSON.stringify(answer.result.exceptionDetails));
      return answer.result?.result?.value;
    };
    // A person's tab has the focus, and they tap each field before typing (the form's first
    // focus starts fetching the sync engine: pages/account.rs, `engine_soon`). Without focus
    // emulation a page that DevTools drives never has it, and no focus event fires.
    await call("Emulation.setFocusEmulationEnabled", { enabled: true });
    await call("Page.navigate", { url: `${relay.url}/cv-banken` });
    const deadline = Date.now() + 60_000;
    while (!(await evaluate(`!!document.querySelector('main input[type=password]')`))) {
      if (Date.now() > deadline) throw new Error("no login form");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The form's fields, as typing leaves them; then "Log ind".
    await evaluate(`(() => {
      const fill = (input, value) => { input.focus(); input.value = value; input.dispatchEvent(new Event("input", { bubbles: true })); };
      fill(document.querySelector("main input[type=email]"), "carla@demo.samskab.dk");
      fill(document.querySelector("main input[type=password]"), "samskab-demo");
    })()`);
    // Typing an e-mail address and a password takes a person longer than this.
    await new Promise((resolve) => setTimeout(resolve, TYPING_MS));
    const before = cpuTime.at();
    const done = evaluate(`new Promise((resolve) => {
      const found = ${JSON.stringify(`${danish(expected)} frivillige fundet`)};
      const check = () => {
        const count = document.querySelector('[data-testid="cvbank-count"]');
        const status = document.querySelector('[data-testid="sync-status"]');
        return count?.textContent.startsWith(found) && status?.dataset.state === "saved";
      };
      const watch = new MutationObserver(() => {
        if (check()) { watch.disconnect(); resolve(performance.now()); }
      });
      watch.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
      [...document.querySelectorAll("main button")].find((b) => b.textContent.trim() === "Log ind").click();
    })`);
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("no sync within 10 min")), 600_000);
    });
    // The timer is cleared either way: left running it kept Node alive for 10 minutes.
    const finished = await Promise.race([done, late]).finally(() => clearTimeout(timer));
    const cpu = cpuTime.since(before, relay.proc.pid);
    const answered = await evaluate(`performance.getEntriesByType("resource").find((r) => new URL(r.name).pathname === "/api/login")?.responseEnd`);
    socket.close();
    return { took: finished - answered, cpu };
  } finally {
    chrome.kill();
    await new Promise((resolve) => (chrome.exitCode === null ? chrome.once("exit", resolve) : resolve()));
    await relay.stop();
    await rm(data, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
}

// The CV bank: a staff device syncs every profile she may read, then searches them.
const profileSource = process.env.SAMSKAB_BENCH_PROFILE_DATA;
if (profileSource) {
  {
    // Several runs, each on a relay and a browser just started; the median is held against
    // the median of the Rust client's runs (the sync benchmark wrote both medians).
    const expected = Number(await readFile(join(profileSource, "bench-staff-profiles"), "utf8"));
    const read = async (file) => Number(await readFile(join(profileSource, file), "utf8").catch(() => NaN));
    const [rust, stock] = [await read("bench-staff-sync-ms"), await read("bench-staff-sync-stock-ms")];
    const runs = Math.max(1, Number(process.env.SAMSKAB_BENCH_STAFF_RUNS ?? 3));
    const times = [];
    for (let run = 1; run <= runs; run++) {
      const { took, cpu } = await staffSyncUndriven(profileSource, expected);
      times.push(took);
      console.log(`new staff browser device (run ${run} of ${runs}), not driven by Playwright, CV bank from empty to all ${expected} profiles stored and searchable (release relay): ${ms(took)} from the relay's answer to the login (the form filled in ${TYPING_MS / 1000} s before "Log ind", as a person types)`);
      console.log(`  CPU time meanwhile, by process: ${cpu}`);
    }
    const median = [...times].sort((a, b) => a - b)[times.length >> 1];
    const verdict = Number.isFinite(rust) ? `, ${(median / rust).toFixed(2)} times the Rust client's median ${ms(rust)} in batches (budget 2 times: ${median <= 2 * rust ? "met" : "NOT met"})` : "";
    const stockNote = Number.isFinite(stock) ? `; ${(median / stock).toFixed(2)} times its median as a stock client, ${ms(stock)}` : "";
    console.log(`new staff browser device, median of ${runs}: ${ms(median)}${verdict}${stockNote}`);
  }
  const data = await tempDir("bench-profiles");
  await cp(profileSource, data, { recursive: true });
  const relay = await new Relay({ port: await freePort(), data }).start();
  const { context, close } = await launchDevice();
  const page = await context.newPage();
  try {
    // The sync benchmark wrote how many profiles consent to staff.
    const expected = Number(await readFile(join(data, "bench-staff-profiles"), "utf8"));
    // "7.461 frivillige fundet" (before counts were written the Danish way: "7461").
    const found = new RegExp(`^(${danish(expected)}|${expected}) frivillige fundet`);
    // Carla, on a new device, opens CV-banken, is asked to log in, and does: the clock starts
    // when she presses "Log ind" (the page asking her was already there, as it is for her),
    // and a second clock from opening the address says what the login page itself cost.
    const opened = Date.now();
    await page.goto(`${relay.url}/cv-banken`);
    await page.getByLabel("E-mail").fill("carla@demo.samskab.dk");
    await page.getByLabel("Adgangskode").fill("samskab-demo");
    const cpuBefore = cpuTime.at();
    const t = Date.now();
    // When the relay has answered the login: from then on the device has a session, as the
    // Rust client has when its clock starts (it signs in before).
    const answered = page
      .waitForResponse((r) => new URL(r.url()).pathname === "/api/login" && r.request().method() === "POST")
      .then(() => Date.now());
    await page.getByRole("main").getByRole("button", { name: "Log ind" }).click();
    // What the status line says meanwhile ("Henter 2.300 af 7.461 …"), sampled.
    const progress = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const text = await page.getByTestId("sync-text").textContent({ timeout: 1_000 }).catch(() => null);
        if (text && text !== progress[progress.length - 1]) progress.push(text);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    await page.getByTestId("cvbank-count").getByText(found).waitFor({ timeout: 600_000 });
    await page.locator('[data-testid="sync-status"][data-state="saved"]').waitFor({ timeout: 600_000 });
    const cpu = cpuTime.since(cpuBefore, relay.proc.pid);
    sampling = false;
    await sampler;
    const took = Date.now() - t;
    const sinceOpened = Date.now() - opened;
    // The Rust client's time over the same relay data, from the sync benchmark (a fully
    // optimised relay; this one is the release build).
    const rust = Number(await readFile(join(data, "bench-staff-sync-ms"), "utf8").catch(() => NaN));
    const signedIn = Date.now() - (await answered);
    const times = (x) => (Number.isFinite(rust) ? `, ${(x / rust).toFixed(2)} times the Rust client's ${ms(rust)}` : "");
    console.log(`the same, driven by Playwright (its DevTools network events copy every frame; the budget is held against the figure above), CV bank from empty to all ${expected} profiles stored and searchable (release relay): ${ms(signedIn)} from the relay's answer to the login${times(signedIn)}; ${ms(took)} from pressing "Log ind" (the password check included)${times(took)}; ${ms(sinceOpened)} from opening the address, the login page included`);
    console.log(`  CPU time meanwhile, by process (this script's own, Playwright's, is in "everything else"): ${cpu}`);
    const counts = progress.filter((p) => p.startsWith("Henter"));
    console.log(`  progress shown while fetching: ${counts.length} different counts${counts.length ? `, from "${counts[0]}" to "${counts[counts.length - 1]}"` : ""}`);
    await relay.stop();
    for (let run = 1; run <= 3; run++) {
      await page.reload();
      await page.getByTestId("cvbank-count").getByText(found).waitFor({ timeout: 120_000 });
      // From navigation start (the page's own clock) to the count of every profile on screen:
      // the bank is searchable from then on.
      const at = await page.evaluate(() => performance.now());
      console.log(`offline reload ${run}: the CV bank from IndexedDB, indexed and counted: ${budget(at, 1000)} after navigation start${await marks(page)}`);
    }

    // Each keystroke, timed inside the page two ways: its work (the input event, the search
    // over every profile, the re-render and a forced layout, until a task queued behind it
    // runs), which must fit in a 16 ms frame; and until the next frame, which also counts the
    // wait for the display's next refresh (up to 16.7 ms at 60 Hz whatever the work). Several
    // words typed letter by letter, and cleared between them. Whether the count on screen
    // had changed by the end of the work is checked against the next frame's.
    const words = ["førstehjælp", "haslev", "dansk", "træner", "kørsel", "lektiehjælp", "ole", "musik"];
    const work = [];
    const frame = [];
    let settled = 0;
    const type = (text) => page.evaluate(async (text) => {
      const input = document.getElementById("cvbank-text");
      const count = () => document.querySelector('[data-testid="cvbank-count"]')?.textContent;
      const t0 = performance.now();
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      await new Promise((r) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => r();
        channel.port2.postMessage(0);
      });
      void document.body.offsetHeight;
      const work = performance.now() - t0;
      const early = count();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return [work, performance.now() - t0, early === count()];
    }, text);
    const key = async (text) => {
      const [w, f, same] = await type(text);
      work.push(w);
      frame.push(f);
      settled += same ? 1 : 0;
    };
    // Three rounds: with one (61 keystrokes) the 99th percentile was the slowest keystroke,
    // so one slow keystroke decided the budget; with 183 it is the second slowest.
    for (let round = 0; round < 3; round++) {
      for (const word of words) {
        for (let i = 1; i <= word.length; i++) await key(word.slice(0, i));
        await key("");
      }
    }
    const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)];
    const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    console.log(`CV bank search, typing ${words.length} words three times over ${expected} profiles (${work.length} keystrokes, clearing included):`);
    console.log(`  work per keystroke (search, re-render, layout): median ${ms(med(work))}, 99th percentile ${budget(p99(work), 16)}, max ${ms(Math.max(...work))}; the count on screen was final by then for ${settled} of ${work.length}`);
    console.log(`  until the next frame: median ${ms(med(frame))}, 99th percentile ${ms(p99(frame))}, max ${ms(Math.max(...frame))}`);
  } finally {
    await close();
    await relay.stop();
    await rm(data, { recursive: true, force: true });
  }
}
