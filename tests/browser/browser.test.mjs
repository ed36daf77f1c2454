// Real-browser test: Debian's chromium (headless) driven by playwright-core against a real
// `tsunagu serve` on a free loopback port with a fresh data directory. Checks search, the detail
// page, the crisis banner, keyboard access and the print view. Screenshots and a PDF are written
// to target/browser/ for inspection.
//
//   TSUNAGU_BIN=target/release/tsunagu node tests/browser/browser.test.mjs
import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
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
// A clinician account, made with the CLI as an admin would, before the server starts.
const password = "browser-test-passphrase";
const added = spawnSync(bin, ["user", "add", "kimura", "--role", "clinician", "--organization", "A市保健所", "--password-stdin", "--json", "--data-dir", dataDir], { input: `${password}\n` });
if (added.status !== 0) throw new Error(`user add failed: ${added.stderr}`);
const totpSecret = JSON.parse(added.stdout.toString()).totp_secret;

/** RFC 6238 code for a base32 secret (what an authenticator app shows). */
function totp(secretB32, atMs = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secretB32.replace(/=+$/, "")) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const o = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

// The knowledge base: the seeds when they sit beside the project (always in CI), else a fixture.
const seeds = new URL("../../../shared/seeds", import.meta.url).pathname;
let kbSource = seeds;
if (!existsSync(seeds)) {
  kbSource = join(dataDir, "guide.txt");
  writeFileSync(kbSource, "第1章 入院\n\n1. 医療保護入院\n\n精神科病院の管理者は、医療保護入院により入院している者を退院させたときは、10日以内にその旨を届け出なければならない。\n");
}
const ingested = spawnSync(bin, ["docs", "ingest", kbSource, "--data-dir", dataDir]);
if (ingested.status !== 0) throw new Error(`docs ingest failed: ${ingested.stderr}`);

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

  let subjectUrl = "";
  await check("a clinician signs in with password and TOTP, records consent and a record, and sees who viewed it", async () => {
    await page.goto(`${base}/staff`);
    await page.waitForURL(/\/staff\/login$/);
    await page.getByLabel("ユーザー名").fill("kimura");
    await page.getByLabel("パスワード").fill(password);
    await page.getByRole("button", { name: "次へ" }).click();
    await page.waitForURL(/\/staff\/login\/totp$/);
    await page.getByLabel("確認コード（6桁）").fill(totp(totpSecret));
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.waitForURL(/\/staff$/);
    assert.ok(await page.getByRole("heading", { name: "対象者ファイル" }).isVisible());
    const cookie = (await context.cookies()).find((c) => c.name === "tsunagu_session");
    assert.ok(cookie, "session cookie set");
    assert.deepEqual([cookie.httpOnly, cookie.secure, cookie.sameSite], [true, true, "Strict"]);

    await page.getByLabel(/新しいファイルの呼び名/).fill("Aさん（妻からの相談）");
    await page.getByRole("button", { name: "ファイルを作る" }).click();
    await page.waitForURL(/\/staff\/subjects\/\d+$/);
    subjectUrl = page.url();
    assert.ok(await page.getByText("有効な同意がありません").isVisible());
    await page.getByText("同意を記録する", { exact: true }).first().click();
    await page.getByLabel("利用目的（500文字まで）").fill("相談支援と関係機関への紹介のため");
    await page.getByLabel("相談記録", { exact: true }).check();
    await page.getByLabel("事例記録", { exact: true }).check();
    await page.getByRole("button", { name: "同意を記録する" }).click();
    await page.getByLabel("内容（5000文字まで）").fill("夫の仮釈放を来月に控えた妻からの相談。");
    await page.getByRole("button", { name: "記録を保存する" }).click();
    await page.waitForURL(/\/staff\/records\/\d+$/);
    assert.ok((await page.locator(".record-body").textContent()).includes("仮釈放"));
    await page.getByRole("link", { name: "この記録を閲覧・操作した人を見る" }).click();
    const rows = page.locator("#access-log tbody tr");
    assert.equal(await rows.count(), 2);
    assert.ok((await rows.nth(0).textContent()).includes("作成"));
    assert.ok((await rows.nth(1).textContent()).includes("閲覧"));
    assert.ok((await rows.nth(1).textContent()).includes("127.0.0.1"), "the client address is logged");
    await page.screenshot({ path: `${outDir}/staff-access.png`, fullPage: true });
  });

  await check("a clinician enters a 医療保護入院, sees its deadlines with their basis, the dashboard and the iCalendar file", async () => {
    await page.goto(subjectUrl);
    await page.getByRole("link", { name: "手続きと期限" }).click();
    await page.locator("select[name=event]").selectOption("medical_protection_admission");
    await page.locator("input[name=date]").fill("2026-11-12");
    await page.locator("select[name=consent_by]").selectOption("support_obligor");
    await page.getByRole("button", { name: "記録して期限を計算する" }).click();
    await page.waitForURL(/\/deadlines$/);
    const open = page.locator("#open tbody tr");
    assert.ok((await open.count()) >= 3);
    assert.ok((await open.first().textContent()).includes("004_d9518c60032bdf29.txt:4893"));
    const ics = await page.request.get(`${subjectUrl}/deadlines.ics`);
    assert.equal(ics.status(), 200);
    assert.ok(ics.headers()["content-type"].startsWith("text/calendar"));
    assert.ok((await ics.text()).includes("BEGIN:VEVENT"));
    await page.getByRole("link", { name: "組織全体の期限の一覧" }).click();
    await page.waitForURL(/\/staff\/deadlines$/);
    for (const name of [/^期限切れ/, /^7日以内/, /^それ以降/]) {
      assert.ok(await page.getByRole("heading", { name }).isVisible());
    }
    await page.screenshot({ path: `${outDir}/deadlines.png`, fullPage: true });
    const before = await page.locator("tbody tr").count();
    await page.getByRole("button", { name: "対応済みにする" }).first().click();
    await page.waitForURL(/\/staff\/deadlines$/);
    assert.equal(await page.locator("tbody tr").count(), before - 1);
    await page.getByRole("button", { name: "ログアウト" }).click();
    await page.waitForURL(/\/staff\/login$/);
    await page.goto(`${base}/staff`);
    await page.waitForURL(/\/staff\/login$/);
  });

  await check("triage: 事例09 gives the casebook's roles in order, and the print view fits the plan on A4", async () => {
    await page.goto(`${base}/triage`);
    await page.locator("textarea[name=text]").fill("32歳の夫が違法薬物の所持・使用で逮捕され、2年服役し、来月の仮釈放が決まった。家族として支えたいが不安です。");
    await page.locator("select[name=prefecture]").selectOption("東京都");
    await page.getByRole("button", { name: "支援先を探す" }).click();
    await page.waitForSelector("section.plan");
    const ids = await page.locator("ol.plan-roles > li").evaluateAll((els) => els.map((e) => e.id));
    assert.deepEqual(ids, [
      "role-mental_health_welfare_center", "role-addiction_medical", "role-health_center",
      "role-recovery_facility", "role-family_group", "role-self_help_group", "role-probation",
    ]);
    assert.ok((await page.locator(".plan-text").inputValue()).startsWith("1. 精神保健福祉センター"));
    await page.screenshot({ path: `${outDir}/triage.png`, fullPage: true });
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("form").first().isVisible(), false, "the form is not printed");
    assert.ok(await page.locator("section.plan").isVisible());
    const pdf = await page.pdf({ format: "A4" });
    writeFileSync(`${outDir}/triage.pdf`, pdf);
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
    console.log(`# triage print view: ${pages} A4 page(s)`);
    assert.ok(pages >= 1 && pages <= 2, `${pages} pages`);
    await page.emulateMedia({ media: "screen" });
  });

  await check("the AUDIT self-check and the drinking diary work without storing anything", async () => {
    await page.goto(`${base}/alcohol/audit`);
    const answers = [4, 4, 4, 3, 2, 1, 0, 0, 2, 4];
    for (const [i, score] of answers.entries()) await page.locator(`#q${i + 1}-${score}`).check();
    await page.getByLabel("男性").check();
    await page.getByRole("button", { name: "結果を見る" }).click();
    assert.ok(await page.getByRole("heading", { name: "結果: 24 点" }).isVisible());
    await page.goto(`${base}/alcohol/diary`);
    await page.getByLabel("杯数").fill("3");
    await page.getByRole("button", { name: "追加して表示" }).click();
    const chart = page.locator("svg.chart");
    assert.ok(await chart.isVisible(), "the chart renders");
    assert.ok((await page.locator("#diary").inputValue()).includes("ビール・発泡酒,500,5,3,60.0"));
    await page.screenshot({ path: `${outDir}/diary.png`, fullPage: true });
  });

  await check("the knowledge base answers a question with the passage, its context and the rules next to their passages", async () => {
    await page.goto(`${base}/docs`);
    await page.getByLabel("質問").fill("医療保護入院の届出はいつまで？");
    await page.getByRole("button", { name: "探す" }).click();
    await page.waitForURL(/\/docs\?q=/);
    const first = page.locator("li.doc-hit").first();
    assert.ok((await first.textContent()).includes("10日以内"), "the first passage states the period");
    assert.ok(await first.locator("mark").count() > 0, "the question's words are highlighted");
    await page.screenshot({ path: `${outDir}/docs.png`, fullPage: true });
    await first.getByRole("link", { name: "前後の文脈を読む" }).click();
    await page.waitForURL(/\/docs\/cite\?c=/);
    assert.ok(await page.locator("tr.cited").count() > 0, "the cited lines are marked in their context");
    if (kbSource === seeds) {
      await page.goto(`${base}/docs/rules`);
      assert.ok((await page.textContent("main")).includes("要確認 0件"));
      assert.ok(await page.locator("table.rules .doc-text").count() > 50, "rules show their passages");
      await page.screenshot({ path: `${outDir}/docs-rules.png` });
    }
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
