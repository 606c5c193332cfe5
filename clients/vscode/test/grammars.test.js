// Tokenizes the example plant with the extension's TextMate grammars (vscode-textmate and the
// oniguruma regex engine, as VS Code does) and checks the scopes of a few tokens. Run with
// `node --test test/` (tests/editors/test_clients.py does).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const HERE = path.join(__dirname, '..');
const EXAMPLES = path.join(HERE, '..', '..', 'examples');
const manifest = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'), 'utf8'));
const grammarPaths = Object.fromEntries(
  manifest.contributes.grammars.map((g) => [g.scopeName, path.join(HERE, g.path)]),
);

const wasm = fs.readFileSync(path.join(HERE, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm')).buffer;
const onigLib = oniguruma.loadWASM(wasm).then(() => ({
  createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));
const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async (scopeName) => {
    const file = grammarPaths[scopeName];
    if (!file) {
      return null; // source.yaml etc. are not ours
    }
    return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
  },
});

/** Every token of `text` as {line, text, scopes}. */
async function tokenize(scopeName, text) {
  const grammar = await registry.loadGrammar(scopeName);
  assert.ok(grammar, scopeName);
  let stack = vsctm.INITIAL;
  const out = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    stack = r.ruleStack;
  });
  return out;
}

function scopeOf(tokens, predicate) {
  const token = tokens.find(predicate);
  assert.ok(token, 'token not found');
  return token.scopes.join(' ');
}

test('Structured Text: keywords, standard blocks, comments, literals', async () => {
  const file = path.join(EXAMPLES, 'bottling_line', 'plc', 'FB_Filler.st');
  const tokens = await tokenize('source.iec-st', fs.readFileSync(file, 'utf8'));
  assert.match(scopeOf(tokens, (t) => t.text === 'TON'), /support\.class\.function-block/);
  assert.match(scopeOf(tokens, (t) => t.text === 'FUNCTION_BLOCK'), /storage\.type\.pou/);
  assert.match(scopeOf(tokens, (t) => t.text === 'FB_Filler'), /entity\.name\.function/);
  assert.match(scopeOf(tokens, (t) => t.text === 'VAR_INPUT'), /storage\.type\.var/);
  assert.match(scopeOf(tokens, (t) => /^CASE$/i.test(t.text)), /keyword\.control/);
  assert.match(scopeOf(tokens, (t) => t.text.startsWith('// ')), /comment\.line/);
  assert.match(scopeOf(tokens, (t) => t.line === 1), /comment\.block/);
  assert.match(scopeOf(tokens, (t) => t.text === 'BOOL'), /support\.type/);
  const st = await tokenize('source.iec-st', "t := T#1S500MS; s := 'it$'s'; n := 16#FF; (* a (* nested *) b *) x := 1;");
  assert.match(scopeOf(st, (t) => t.text === 'T#1S500MS'), /constant\.numeric\.time/);
  assert.match(scopeOf(st, (t) => t.text === '$\''), /constant\.character\.escape/);
  assert.match(scopeOf(st, (t) => t.text === '16#FF'), /constant\.numeric/);
  assert.match(scopeOf(st, (t) => t.text.includes(' b ')), /comment\.block/);
  assert.doesNotMatch(scopeOf(st, (t) => t.text.trim() === 'x'), /comment/);
});

test('TwinCAT XML: tags as XML, the ST inside CDATA as ST', async () => {
  const file = path.join(EXAMPLES, 'bottling_line', 'plc', 'FB_Labeler.TcPOU');
  const tokens = await tokenize('source.iec-st', fs.readFileSync(file, 'utf8'));
  assert.match(scopeOf(tokens, (t) => t.text === 'TcPlcObject'), /entity\.name\.tag\.xml/);
  assert.match(scopeOf(tokens, (t) => t.text === 'Name'), /entity\.other\.attribute-name/);
  assert.match(scopeOf(tokens, (t) => t.text === 'R_TRIG'), /meta\.embedded\.block\.iec-st.*support\.class/);
  assert.match(scopeOf(tokens, (t) => t.text === 'END_VAR'), /storage\.type\.var/);
  // a plain .st file is not XML: '<' there is a comparison
  const plain = await tokenize('source.iec-st', 'IF a<b AND c>d THEN x := 1; END_IF');
  assert.match(scopeOf(plain, (t) => t.text === '<'), /keyword\.operator\.comparison/);
});

test('OpenDSS: commands, objects, properties, comments', async () => {
  const file = path.join(EXAMPLES, 'bottling_line', 'grid', 'master.dss');
  const tokens = await tokenize('source.opendss', fs.readFileSync(file, 'utf8'));
  assert.match(scopeOf(tokens, (t) => t.text === 'New'), /keyword\.control\.command/);
  assert.match(scopeOf(tokens, (t) => t.text === 'Circuit'), /entity\.name\.type\.class/);
  assert.match(scopeOf(tokens, (t) => t.text === 'basekv'), /variable\.parameter\.property/);
  assert.match(scopeOf(tokens, (t) => t.text.startsWith('! ')), /comment\.line/);
  assert.match(scopeOf(tokens, (t) => t.text === 'Redirect'), /keyword\.control\.command/);
});

test('Fab recipes and tool files: keys, step types, quantities, parameters, comments', async () => {
  const recipe = path.join(EXAMPLES, 'fab', 'recipes', 'pecvd_oxide.recipe.yaml');
  const tokens = await tokenize('source.fab-recipe', fs.readFileSync(recipe, 'utf8'));
  assert.match(scopeOf(tokens, (t) => t.text === 'steps'), /keyword\.other\.section/);
  assert.match(scopeOf(tokens, (t) => t.text === 'duration'), /entity\.name\.tag/);
  assert.match(scopeOf(tokens, (t) => t.text === 'stabilize'), /support\.constant\.step-type/);
  assert.match(scopeOf(tokens, (t) => t.text === 'sccm'), /keyword\.other\.unit/);
  assert.match(scopeOf(tokens, (t) => t.text === 'silane_flow' && t.line > 20), /variable\.other\.parameter/);
  assert.match(scopeOf(tokens, (t) => t.text.startsWith('# ')), /comment\.line/);
  const tool = path.join(EXAMPLES, 'fab', 'cvd-cluster-01.tool.yaml');
  const toolTokens = await tokenize('source.fab-tool', fs.readFileSync(tool, 'utf8'));
  assert.match(scopeOf(toolTokens, (t) => t.text === 'mTorr'), /keyword\.other\.unit/);
  assert.match(scopeOf(toolTokens, (t) => t.text === 'chambers'), /keyword\.other\.section/);
});
