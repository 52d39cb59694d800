// Lighthouse benchmark (prints numbers, asserts nothing): Lighthouse's mobile audit (its
// default: a mid-range phone, 4x slower CPU and a slow 4G line, simulated) of the release app
// served by the real relay with the demo data, as a first-time visitor in a fresh profile:
// the task list (/opgaver) and the login page. Prints the performance score against the
// issue's budget (>= 90) and the metrics behind it, the median of SAMSKAB_BENCH_RUNS (3).
// Run by `cargo xtask bench`, which installs Lighthouse from npm into target/bench-lighthouse
// and passes its command in LIGHTHOUSE_BIN; by hand:
// LIGHTHOUSE_BIN=... SAMSKAB_SERVER_BIN=... SAMSKAB_DIST=... CHROMIUM=... node bench-lighthouse.mjs
import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { Relay, freePort, tempDir } from "./support.mjs";

const BUDGET = 90;
const RUNS = Number(process.env.SAMSKAB_BENCH_RUNS ?? 3);
const bin = process.env.LIGHTHOUSE_BIN;
if (!bin) throw new Error("LIGHTHOUSE_BIN is not set; run `cargo xtask bench`");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const data = await tempDir("bench-lighthouse");
const reports = await tempDir("bench-lighthouse-reports");
const relay = await new Relay({ port: await freePort(), data, args: ["--demo"] }).start();

/** One Lighthouse run on `path`, as a new visitor; its report's performance figures. */
async function audit(path, run) {
  const out = join(reports, `${path.replaceAll("/", "_")}-${run}.json`);
  await promisify(execFile)(process.execPath, [
    bin,
    `${relay.url}${path}`,
    "--only-categories=performance",
    "--output=json",
    `--output-path=${out}`,
    "--quiet",
    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
  ], { env: { ...process.env, CHROME_PATH: process.env.CHROMIUM ?? "/usr/bin/chromium" }, maxBuffer: 1 << 26 });
  const lhr = JSON.parse(await readFile(out, "utf8"));
  const metric = (id) => lhr.audits[id]?.numericValue ?? NaN;
  return {
    score: Math.round((lhr.categories.performance.score ?? 0) * 100),
    fcp: metric("first-contentful-paint"),
    lcp: metric("largest-contentful-paint"),
    tbt: metric("total-blocking-time"),
    si: metric("speed-index"),
    bytes: metric("total-byte-weight"),
  };
}

try {
  for (const [name, path] of [["task list", "/opgaver"], ["login page", "/log-ind"]]) {
    const runs = [];
    for (let run = 1; run <= RUNS; run++) runs.push(await audit(path, run));
    const m = (key) => median(runs.map((r) => r[key]));
    const score = m("score");
    console.log(
      `lighthouse mobile, ${name} (${path}), first visit: performance ${score} (runs ${runs.map((r) => r.score).join(", ")}; ` +
        `budget >= ${BUDGET}: ${score >= BUDGET ? "met" : "not met"}); ` +
        `FCP ${(m("fcp") / 1000).toFixed(1)} s, LCP ${(m("lcp") / 1000).toFixed(1)} s, ` +
        `TBT ${m("tbt").toFixed(0)} ms, Speed Index ${(m("si") / 1000).toFixed(1)} s, ` +
        `${(m("bytes") / 1024).toFixed(0)} KiB transferred`,
    );
  }
} finally {
  await relay.stop();
  await rm(data, { recursive: true, force: true });
  await rm(reports, { recursive: true, force: true });
}
