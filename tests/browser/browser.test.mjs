// Real-browser test: Debian's chromium (headless) driven by playwright-core against a real
// `tsunagu serve` on a free loopback port with a fresh data directory. Checks search, the detail
// page, the crisis banner, keyboard access and the print view. Screenshots and a PDF are written
// to target/browser/ for inspection.
//
//   TSUNAGU_BIN=target/release/tsunagu node tests/browser/browser.test.mjs
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";

const bin = process.env.TSUNAGU_BIN ?? "target/release/tsunagu";
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const outDir = "target/browser";
mkdirSync(outDir, { recursive: true });

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const dataDir = mkdtempSync(join(tmpdir(), "tsunagu-browser-"));
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, "--data-dir", dataDir], { stdio: ["ignore", "inherit", "inherit"] });
let failures = 0;
let browser;

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not start");
}

async function check(name, fn) {
  try { await fn(); console.log(`ok - ${name}`); }
  catch (e) { failures++; console.log(`not ok - ${name}\n  ${String(e.stack ?? e).split("\n").join("\n  ")}`); }
}

try {
  await waitForServer();
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ locale: "ja-JP", viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });

  await check("the home page shows the crisis banner and a skip link reachable by keyboard", async () => {
    await page.goto(`${base}/`);
    await assert.doesNotReject(page.getByRole("heading", { name: "いま命の危険があるときは" }).waitFor());
    const banner = page.locator("aside.crisis");
    assert.ok(await banner.isVisible());
    assert.equal(await banner.locator("a[href^='tel:']").count(), 0, "no unsourced numbers in the banner");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "本文へ移動");
    await page.screenshot({ path: `${outDir}/home.png`, fullPage: true });
  });

  await check("searching ダルク 女性 lists ダルク女性ハウス first", async () => {
    await page.getByLabel("キーワード").fill("ダルク 女性");
    await page.getByRole("button", { name: "さがす" }).click();
    await page.waitForURL(/\?q=/);
    const first = page.locator("ol.results li h3 a").first();
    assert.equal((await first.textContent()).trim(), "ダルク女性ハウス");
    await page.screenshot({ path: `${outDir}/results.png`, fullPage: true });
  });

  await check("the detail page shows contacts, hours, provenance and the report link", async () => {
    await page.locator("ol.results li h3 a").first().click();
    await page.waitForURL(/\/services\/darc-womens-house$/);
    assert.equal((await page.locator("h1").textContent()).trim(), "ダルク女性ハウス");
    assert.ok(await page.getByRole("link", { name: "03-3822-7658" }).isVisible());
    assert.ok((await page.locator(".provenance").textContent()).includes("000_aa5960de417e9b16.txt:234-239"));
    assert.ok(await page.getByRole("link", { name: "この掲載内容の誤りを報告する" }).isVisible());
    assert.ok(await page.locator("aside.crisis").isVisible());
    await page.screenshot({ path: `${outDir}/detail.png`, fullPage: true });
  });

  await check("the print view hides navigation and the report link but keeps the listing and the banner", async () => {
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator(".report-link").isVisible(), false);
    assert.equal(await page.locator(".site-header").isVisible(), false);
    assert.ok(await page.locator("h1").isVisible());
    assert.ok(await page.locator("aside.crisis").isVisible());
    const bannerBg = await page.locator("aside.crisis").evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(bannerBg, "rgba(0, 0, 0, 0)", "the banner prints without a dark background");
    const pdf = await page.pdf({ format: "A4" });
    assert.ok(pdf.length > 10_000, `PDF is ${pdf.length} bytes`);
    writeFileSync(`${outDir}/detail.pdf`, pdf);
    await page.emulateMedia({ media: "screen" });
  });

  await check("searching 秋田 shows the 秋田県 centre with its phone flagged", async () => {
    await page.goto(`${base}/?q=${encodeURIComponent("秋田")}`);
    const item = page.locator("ol.results li", { hasText: "秋田県精神保健福祉センター" });
    assert.equal(await item.count(), 1);
    assert.ok((await item.textContent()).includes("118-892-3773"));
    assert.ok(await item.locator(".flag").isVisible());
  });

  await check("a problem report can be sent with the keyboard-accessible form", async () => {
    await page.goto(`${base}/services/mhwc-05/report`);
    await page.getByLabel("電話番号が違う").check();
    await page.getByLabel("内容（2000文字まで）").fill("番号が118から始まっています");
    await page.getByRole("button", { name: "送信する" }).click();
    await page.waitForURL(/reported=1/);
    assert.ok(await page.getByRole("status").isVisible());
  });

  await check("no console errors (CSP violations would show here)", async () => {
    assert.deepEqual(consoleErrors, []);
  });
} catch (e) {
  failures++;
  console.log(`not ok - setup\n  ${e.stack ?? e}`);
} finally {
  if (browser) await browser.close();
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(failures === 0 ? "browser tests passed" : `${failures} browser test(s) failed`);
process.exit(failures === 0 ? 0 : 1);
