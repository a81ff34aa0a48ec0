// The VS Code side of `pmoc lsp`: starts `<pmoc.path> lsp` on stdio for the
// KDL files of the workspace, through vscode-languageclient, and restarts it
// when `pmoc.path` changes. Plain JavaScript (CommonJS): no build step.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function createClient() {
  const command = vscode.workspace.getConfiguration('pmoc').get('path') || 'pmoc';
  // An executable without a transport talks over stdio; naming
  // TransportKind.stdio would add a `--stdio` argument pmoc does not take.
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    // The language id the KDL syntax extensions use too: see README.md.
    documentSelector: [{ scheme: 'file', language: 'kdl' }],
  };
  // The id `pmoc` makes the `pmoc.trace.server` setting work.
  return new LanguageClient('pmoc', 'pmoc', serverOptions, clientOptions);
}

async function start() {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const path = vscode.workspace.getConfiguration('pmoc').get('path');
    vscode.window.showErrorMessage(
      `pmoc lsp did not start (pmoc.path is "${path}"): ${error}`,
    );
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop().catch(() => undefined);
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration('pmoc.path')) {
        await stop();
        await start();
      }
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
