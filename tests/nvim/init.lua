-- The Neovim side of tests/nvim.rs: started as
-- `nvim --headless --clean -u tests/nvim/init.lua` with $PMOC_NVIM_TEST naming a
-- JSON file `{ pmoc, root, case, args, out }`. After startup it runs the case
-- `case` of `cases` below against `pmoc lsp` (Neovim's own LSP client, as a user's
-- editor runs it), writes what it saw to `out` as JSON (`error` when the case
-- failed) and quits. The Rust side decides whether that is right: this file
-- only drives the editor and records.
--
-- A new case is a function `cases.name(args)` that calls `record(key, value)`.

local config = vim.fn.json_decode(vim.fn.readfile(os.getenv('PMOC_NVIM_TEST')))
local root = config.root
-- Every wait is bounded; the Rust side also kills Neovim after its own deadline.
local WAIT_MS = 20000

local results = {}
local function record(key, value)
  results[key] = value
end

-- Publications of diagnostics seen, per URI: a change is followed by waiting for
-- the next one, not by sleeping.
local published = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
  publish(err, result, ctx, cfg)
  if result and result.uri then
    published[result.uri] = (published[result.uri] or 0) + 1
  end
end

-- The floating window the hover handler opens (what the user sees).
local hover_window
local hover = vim.lsp.handlers['textDocument/hover']
vim.lsp.handlers['textDocument/hover'] = function(...)
  local bufnr, winnr = hover(...)
  hover_window = { buf = bufnr, win = winnr }
  return bufnr, winnr
end

local client_id

-- Opens `rel` (a path in the project), sets its filetype and attaches the server
-- (started once). Returns the buffer.
local function open(rel)
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. rel))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'kdl'
  if not client_id then
    client_id = vim.lsp.start_client({
      name = 'pmoc',
      cmd = { config.pmoc, 'lsp' },
      root_dir = root,
    })
    assert(client_id, 'the client did not start')
  end
  assert(vim.lsp.buf_attach_client(buf, client_id), 'the buffer was not attached')
  return buf
end

local function publications(buf)
  return published[vim.uri_from_bufnr(buf)] or 0
end

-- Waits for a publication for `buf` after the `seen` first ones.
local function wait_publication(buf, seen)
  local ok = vim.wait(WAIT_MS, function()
    return publications(buf) > seen
  end, 20)
  assert(ok, 'no diagnostics published for ' .. vim.api.nvim_buf_get_name(buf))
end

-- The buffer's diagnostics as { line, column, code } (from 1, byte columns),
-- sorted.
local function diagnostics(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, { line = d.lnum + 1, column = d.col + 1, code = d.code or vim.NIL })
  end
  table.sort(out, function(a, b)
    if a.line ~= b.line then
      return a.line < b.line
    end
    return a.column < b.column
  end)
  return out
end

-- Puts the cursor `offset` bytes into the first occurrence of `needle`.
local function cursor_on(needle, offset)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local at = line:find(needle, 1, true)
    if at then
      vim.api.nvim_win_set_cursor(0, { i, at - 1 + offset })
      return i
    end
  end
  error('not in the buffer: ' .. needle)
end

local function where()
  local cursor = vim.api.nvim_win_get_cursor(0)
  return {
    file = vim.api.nvim_buf_get_name(0),
    line = cursor[1],
    column = cursor[2] + 1,
  }
end

local cases = {}

-- The diagnostics of a file once it is open.
function cases.diagnostics(args)
  local buf = open(args.file)
  wait_publication(buf, 0)
  record('diagnostics', diagnostics(buf))
end

-- `gd` as a user maps it: vim.lsp.buf.definition() from `needle`, then where
-- the cursor landed.
function cases.definition(args)
  local buf = open(args.file)
  wait_publication(buf, 0)
  cursor_on(args.needle, args.offset)
  record('from', where())
  vim.lsp.buf.definition()
  vim.wait(WAIT_MS, function()
    return vim.api.nvim_get_current_buf() ~= buf
  end, 20)
  record('to', where())
end

-- `K`: vim.lsp.buf.hover() on `needle`, and the lines of the float it opens.
function cases.hover(args)
  local buf = open(args.file)
  wait_publication(buf, 0)
  cursor_on(args.needle, args.offset)
  vim.lsp.buf.hover()
  local ok = vim.wait(WAIT_MS, function()
    return hover_window ~= nil
  end, 20)
  assert(ok, 'no hover window')
  record('hover', vim.api.nvim_buf_get_lines(hover_window.buf, 0, -1, false))
end

-- The line holding `needle` replaced with `replacement` in the buffer (not on
-- disk), then put back: the diagnostics before, after the edit, after the undo.
function cases.edit(args)
  local buf = open(args.file)
  wait_publication(buf, 0)
  record('before', diagnostics(buf))
  local line = cursor_on(args.needle, 0)
  local old = vim.api.nvim_buf_get_lines(buf, line - 1, line, false)
  local seen = publications(buf)
  vim.api.nvim_buf_set_lines(buf, line - 1, line, false, { args.replacement })
  wait_publication(buf, seen)
  record('edited', diagnostics(buf))
  seen = publications(buf)
  vim.api.nvim_buf_set_lines(buf, line - 1, line, false, old)
  wait_publication(buf, seen)
  record('restored', diagnostics(buf))
end

-- The line holding `needle` replaced with `replacement` (a half-written
-- line), the cursor at its end: the labels of the completion there.
function cases.completion(args)
  local buf = open(args.file)
  wait_publication(buf, 0)
  local line = cursor_on(args.needle, 0)
  vim.api.nvim_buf_set_lines(buf, line - 1, line, false, { args.replacement })
  vim.api.nvim_win_set_cursor(0, { line, #args.replacement })
  local params = vim.lsp.util.make_position_params()
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, WAIT_MS)
  local labels = {}
  for _, response in pairs(responses or {}) do
    local result = response.result or {}
    for _, item in ipairs(result.items or result) do
      table.insert(labels, item.label)
    end
  end
  record('labels', labels)
end

-- A user's setup, a file of Lua (the README's), instead of `open`: it must set
-- the filetype, start the server and attach it to a `.kdl` file by itself.
function cases.setup(args)
  dofile(args.setup)
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. args.file))
  local buf = vim.api.nvim_get_current_buf()
  wait_publication(buf, 0)
  record('filetype', vim.bo[buf].filetype)
  record('clients', #vim.lsp.buf_get_clients(buf))
  record('diagnostics', diagnostics(buf))
end

local function run()
  local case = cases[config.case]
  local ok, err = xpcall(function()
    assert(case, 'no such case: ' .. tostring(config.case))
    case(config.args or {})
  end, debug.traceback)
  if not ok then
    record('error', err)
  end
  vim.fn.writefile({ vim.fn.json_encode(results) }, config.out)
  vim.cmd('qa!')
end

-- After startup, as a user's session would be.
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(run)
  end,
})
