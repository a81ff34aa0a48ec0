// A smoke test of extension.js without VS Code: loads it with stand-ins for
// `vscode` and `vscode-languageclient/node` (so it needs no `npm install`),
// activates it and checks that it starts `<pmoc.path> lsp` for the `kdl`
// language, restarts it when `pmoc.path` changes and stops it on deactivate.
// Run: `node editors/vscode/test/smoke.js` (exit 1 on a failure).
'use strict';

const assert = require('assert');
const Module = require('module');
const path = require('path');

const calls = [];
let setting = '/opt/pmoc/pmoc';
let onConfiguration;
const vscode = {
  workspace: {
    getConfiguration: (section) => ({
      get: (key) => (section === 'pmoc' && key === 'path' ? setting : undefined),
    }),
    onDidChangeConfiguration: (listener) => {
      onConfiguration = listener;
      return { dispose() {} };
    },
  },
  window: { showErrorMessage: (message) => calls.push(['error', message]) },
};
class LanguageClient {
  constructor(id, name, server, client) {
    calls.push(['new', id, server, client]);
  }
  start() {
    calls.push(['start']);
    return Promise.resolve();
  }
  stop() {
    calls.push(['stop']);
    return Promise.resolve();
  }
}

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient };
  return load.call(this, request, ...rest);
};

(async () => {
  const extension = require(path.join(__dirname, '..', 'extension.js'));
  const context = { subscriptions: [] };
  await extension.activate(context);
  assert.deepStrictEqual(calls, [
    [
      'new',
      'pmoc',
      { command: '/opt/pmoc/pmoc', args: ['lsp'] },
      { documentSelector: [{ scheme: 'file', language: 'kdl' }] },
    ],
    ['start'],
  ]);
  assert.strictEqual(context.subscriptions.length, 1);

  calls.length = 0;
  setting = 'pmoc';
  await onConfiguration({ affectsConfiguration: (s) => s === 'pmoc.path' });
  assert.deepStrictEqual(calls.map((c) => c[0]), ['stop', 'new', 'start']);
  assert.strictEqual(calls[1][2].command, 'pmoc');

  calls.length = 0;
  await onConfiguration({ affectsConfiguration: () => false });
  assert.deepStrictEqual(calls, []);

  await extension.deactivate();
  assert.deepStrictEqual(calls, [['stop']]);
  console.log('vscode extension smoke test: ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
