// Drives a running code-server (VS Code 1.100.3 in the browser) with Debian's Chromium through
// playwright-core, for plantls's end-to-end test (tests/editors/test_vscode.py starts and stops
// code-server and reads what this script records).
//
// Environment: PORT (code-server on 127.0.0.1), WORKSPACE (folder to open), ARTIFACTS (where the
// screenshots and results.json go), CHROMIUM (browser binary), EXPECT_INLINE=1 when the server
// advertises inlineCompletionProvider, FILE_PROBLEMS / FILE_HOVER (file names to open),
// HOVER_LINE (1-based line of the TON declaration in FILE_HOVER), INLINE_PREFIX (typed on a new
// line before END_FUNCTION_BLOCK, where an inline completion is expected).
//
// Every wait has a timeout; each step records its outcome in results.json and the script goes on
// with the next step where that makes sense, so one failure does not hide the others.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const PORT = process.env.PORT;
const WORKSPACE = process.env.WORKSPACE;
const ARTIFACTS = process.env.ARTIFACTS;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const EXPECT_INLINE = process.env.EXPECT_INLINE === '1';
const FILES = (process.env.FILE_PROBLEMS || 'FB_Filler.st,FB_Capper.st').split(',');
const FILE_HOVER = process.env.FILE_HOVER || 'FB_Filler.st';
const HOVER_LINE = Number(process.env.HOVER_LINE || '21');
const INLINE_PREFIX = process.env.INLINE_PREFIX || 'fbFillTimer(';
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

const results = { steps: {}, console: [] };
function save() {
  fs.writeFileSync(path.join(ARTIFACTS, 'results.json'), JSON.stringify(results, null, 2));
}

async function step(name, fn) {
  const started = Date.now();
  try {
    const value = await fn();
    results.steps[name] = { ok: true, value, ms: Date.now() - started };
    console.log(`[e2e] ${name}: ok (${Date.now() - started} ms)`);
    return value;
  } catch (err) {
    results.steps[name] = { ok: false, error: String(err && err.stack ? err.stack : err), ms: Date.now() - started };
    console.log(`[e2e] ${name}: FAILED ${String(err)}`);
    return undefined;
  } finally {
    save();
  }
}

async function shot(page, name) {
  try {
    await page.screenshot({ path: path.join(ARTIFACTS, name), timeout: 15000 });
  } catch (err) {
    console.log(`[e2e] screenshot ${name} failed: ${err}`);
  }
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill('>' + title);
  const row = page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10000 }).catch(() => {});
}

async function goToLine(page, line, column) {
  await page.keyboard.press(`${MOD}+G`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

async function openFile(page, name) {
  // Quick Open is the most reliable way to open a file in the workbench.
  await page.keyboard.press(`${MOD}+P`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(name);
  // wait until the list has been filtered (its focused row is the file), then open it
  const row = page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 15000 });
  await page.keyboard.press('Enter');
  // the file's tab must be the active one in the active group before keys go to its editor
  await page
    .locator('.editor-group-container.active .tabs-container .tab.active', { hasText: name })
    .first()
    .waitFor({ timeout: 15000 });
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ timeout: 15000 });
  await page.waitForTimeout(300);
}

async function activeEditor(page) {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
}

(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'chrome-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
    viewport: { width: 1400, height: 850 },
    timeout: 60000,
  });
  ctx.setDefaultTimeout(30000);
  const page = ctx.pages()[0] || (await ctx.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error' && results.console.length < 50) {
      results.console.push(msg.text().slice(0, 500));
    }
  });

  try {
    await step('workbench', async () => {
      await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(WORKSPACE)}`, {
        waitUntil: 'domcontentloaded', timeout: 60000,
      });
      await page.waitForSelector('.monaco-workbench', { timeout: 90000 });
      await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90000 });
      return true;
    });

    await step('open', async () => {
      for (const name of FILES) {
        await openFile(page, name);
      }
      return FILES;
    });

    // The squiggle appears only once plantls's diagnostics reached the editor.
    await step('squiggle', async () => {
      await page.waitForSelector('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error', { timeout: 90000 });
      return true;
    });

    await step('problems', async () => {
      await (await activeEditor(page)).click();
      await page.keyboard.press(`${MOD}+Shift+M`);
      await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 30000 });
      // Wait until every opened file has its findings listed (the panel fills as they arrive).
      const deadline = Date.now() + 60000;
      let rows = [];
      while (Date.now() < deadline) {
        rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
        const text = rows.join('\n');
        if (FILES.every((f) => text.includes(f)) && /\bST\d{3}\b/.test(text)) {
          const codes = rows.filter((r) => /ST\d{3}/.test(r));
          if (codes.length >= FILES.length) {
            break;
          }
        }
        await page.waitForTimeout(500);
      }
      await shot(page, '01-problems.png');
      return rows.map((r) => r.replace(/\s+/g, ' ').trim());
    });

    await step('statusbar', async () => {
      // the extension's item (id plantls.status), not the language client's progress items
      const item = page.locator('.statusbar-item[id$="plantls.status"]').first();
      try {
        await item.waitFor({ timeout: 20000 });
      } catch (err) {
        const ids = await page.locator('.statusbar-item').evaluateAll((els) => els.map((e) => e.id));
        throw new Error(`no plantls.status item among ${JSON.stringify(ids)}: ${err}`);
      }
      // the model state comes from plantls/stats once the server runs
      const deadline = Date.now() + 20000;
      let text = await item.innerText();
      while (!/model|ready/.test(text) && Date.now() < deadline) {
        await page.waitForTimeout(500);
        text = await item.innerText();
      }
      return text.replace(/\s+/g, ' ').trim();
    });

    await step('hover', async () => {
      await openFile(page, FILE_HOVER);
      await goToLine(page, HOVER_LINE, 1);
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      const ton = editor.locator('.view-line span span', { hasText: /^TON$/ }).first();
      let hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents').first();
      try {
        await ton.waitFor({ timeout: 10000 });
        await ton.hover();
        await hover.waitFor({ state: 'visible', timeout: 15000 });
      } catch {
        // Fall back to the keyboard: put the cursor on TON and run "Show or Focus Hover".
        const line = fs.readFileSync(path.join(WORKSPACE, FILE_HOVER), 'utf8').split('\n')[HOVER_LINE - 1];
        await goToLine(page, HOVER_LINE, line.indexOf('TON') + 2);
        await runCommand(page, 'Show or Focus Hover');
        hover = page.locator('.monaco-hover:not(.hidden)').first();
        await hover.waitFor({ state: 'visible', timeout: 15000 });
      }
      // markdown renders asynchronously: wait for the doc text, not just the code block
      await page.waitForTimeout(1000);
      const text = (await hover.innerText()).trim();
      await shot(page, '02-hover.png');
      await page.keyboard.press('Escape');
      return text;
    });

    await step('inline', async () => {
      if (!EXPECT_INLINE) {
        return { skipped: 'the server does not advertise inlineCompletionProvider' };
      }
      await openFile(page, FILE_HOVER);
      // A new line at the end of the body: the model continues the code.
      const lines = fs.readFileSync(path.join(WORKSPACE, FILE_HOVER), 'utf8').split('\n');
      const endFb = lines.findIndex((l) => /^\s*END_FUNCTION_BLOCK/i.test(l));
      const target = endFb > 0 ? endFb : lines.length;
      await goToLine(page, target, 1);
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type(INLINE_PREFIX, { delay: 30 });
      const ghost = page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text-decoration-preview, .monaco-editor .ghost-text').first();
      // typing triggers it; while the model loads, ask again (the command VS Code offers)
      const deadline = Date.now() + 90000;
      for (;;) {
        try {
          await ghost.waitFor({ state: 'visible', timeout: 8000 });
          break;
        } catch (err) {
          if (Date.now() > deadline) {
            throw err;
          }
          await runCommand(page, 'Trigger Inline Suggestion');
        }
      }
      const text = await page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text-decoration-preview, .monaco-editor .ghost-text').allInnerTexts();
      await shot(page, '03-inline.png');
      await page.keyboard.press('Escape');
      await runCommand(page, 'Revert File');
      return { ghost: text.join('').trim() };
    });

    await step('explain', async () => {
      await openFile(page, 'FB_Filler.st');
      await goToLine(page, 34, 12);
      await runCommand(page, 'plantls: Explain finding');
      // Either the explanation opens, or the server says it cannot explain yet.
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'plantls' }).first();
      const tab = page.locator('.tabs-container .tab', { hasText: 'Explain' }).first();
      await Promise.race([
        toast.waitFor({ timeout: 20000 }),
        tab.waitFor({ timeout: 20000 }),
      ]);
      await page.waitForTimeout(500);
      await shot(page, '04-explain.png');
      if (await tab.isVisible()) {
        return { opened: (await tab.innerText()).trim() };
      }
      return { message: (await toast.innerText()).replace(/\s+/g, ' ').trim() };
    });
    // The server's "Explain ST303" quick fix (Ctrl+.) runs its plantls.explain command; the
    // extension shows the markdown that comes back.
    await step('explain_action', async () => {
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, 'FB_Filler.st');
      await goToLine(page, 34, 12);
      await page.keyboard.press(`${MOD}+.`);
      const action = page.locator('.action-widget .monaco-list-row', { hasText: 'Explain ST303' }).first();
      await action.waitFor({ state: 'visible', timeout: 20000 });
      const titles = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
      // the widget takes keys, not clicks: move the focus to the action and apply it
      const focused = page.locator('.action-widget .monaco-list-row.focused', { hasText: 'Explain ST303' });
      for (let i = 0; i < titles.length && !(await focused.count()); i++) {
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
      const tab = page.locator('.tabs-container .tab', { hasText: 'Explain line 34' }).first();
      await tab.waitFor({ timeout: 30000 });
      await page.waitForTimeout(500);
      await shot(page, '06-explain-action.png');
      return { actions: titles.map((t) => t.trim()), opened: (await tab.innerText()).trim() };
    });

    await step('fine_tune', async () => {
      await runCommand(page, 'plantls: Fine-tune on this workspace');
      // A server with a fine-tune command: a confirmation (cancelled here, training is long).
      // Without one: a message with the equivalent `plantls train` command line.
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'plantls train' }).first();
      const dialog = page.locator('.monaco-dialog-box', { hasText: 'Fine-tune' }).first();
      await Promise.race([toast.waitFor({ timeout: 20000 }), dialog.waitFor({ timeout: 20000 })]);
      if (await dialog.isVisible()) {
        const text = (await dialog.innerText()).replace(/\s+/g, ' ').trim();
        await page.keyboard.press('Escape');
        return { dialog: text };
      }
      return { message: (await toast.innerText()).replace(/\s+/g, ' ').trim() };
    });

    await step('stats', async () => {
      await runCommand(page, 'plantls: Show model statistics');
      const tab = page.locator('.tabs-container .tab', { hasText: 'statistics' }).first();
      await tab.waitFor({ timeout: 20000 });
      await page.waitForTimeout(1000);
      await shot(page, '05-stats.png');
      return (await tab.innerText()).trim();
    });

  } finally {
    await shot(page, '99-final.png');
    await ctx.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
    save();
  }
})().catch((err) => {
  results.fatal = String(err && err.stack ? err.stack : err);
  save();
  console.error(err);
  process.exit(1);
});
