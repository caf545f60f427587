-- End-to-end test of editors/neovim with the real Neovim and the real server.
--
--   COFNOD_BIN=target/release/cofnod COFNOD_NOTE=/tmp/x/note.md \
--   nvim --headless --clean -u NONE --cmd 'set rtp+=editors/neovim' \
--        -c 'luafile tests/nvim/e2e.lua'
--
-- The note must contain the word "commence" once, which cofnod flags as
-- plain-language/commence with the quick fix "start". The test opens the note, waits
-- for the diagnostic, checks its code and exact range (from the server in the
-- negotiated encoding, UTF-16 on 0.7 and UTF-8 on 0.10+; in bytes in Neovim), shows
-- :CofnodExplain for it, applies the preferred quick fix from textDocument/codeAction,
-- checks the buffer's text, the next diagnostics and the statusline function, then
-- runs :CofnodCheckWorkspace on the note's folder. It never writes the note.
-- Output goes to stdout ("print" goes to the message area in headless mode) for
-- tests/neovim.rs to check; it exits with :cquit 1 on any failure (a watchdog makes
-- sure of it after 20 s) and :qall! on success.

local TIMEOUT_MS = 10000

local function out(line)
  io.stdout:write('cofnod-e2e: ' .. line .. '\n')
  io.stdout:flush()
end

local finished = false

local function fail(msg)
  if finished then
    return
  end
  finished = true
  io.stderr:write('cofnod-e2e: FAIL: ' .. tostring(msg) .. '\n')
  io.stderr:flush()
  vim.cmd('cquit 1')
end

-- Whatever happens, never leave nvim running.
local watchdog = vim.loop.new_timer()
watchdog:start(20000, 0, vim.schedule_wrap(function()
  fail('watchdog: the test did not finish within 20 s')
end))

local function check(cond, msg)
  if not cond then
    error(msg, 2)
  end
end

local function wait_for(what, cond)
  local ok = vim.wait(TIMEOUT_MS, cond, 20)
  check(ok, 'timed out after ' .. TIMEOUT_MS .. ' ms waiting for ' .. what)
end

-- UTF-16 code units in a UTF-8 string (vim.str_utfindex changed signature in 0.11).
local function utf16_units(s)
  local n = 0
  for i = 1, #s do
    local b = s:byte(i)
    if b < 0x80 or b >= 0xC0 then
      n = n + (b >= 0xF0 and 2 or 1)
    end
  end
  return n
end

local function run()
  local bin = os.getenv('COFNOD_BIN')
  local note = os.getenv('COFNOD_NOTE')
  check(bin and bin ~= '', 'COFNOD_BIN is not set')
  check(note and note ~= '', 'COFNOD_NOTE is not set')
  check(vim.fn.executable(bin) == 1, 'COFNOD_BIN is not an executable program: ' .. bin)
  check(vim.fn.filereadable(note) == 1, 'COFNOD_NOTE is not a readable file: ' .. note)
  local v = vim.version()
  out(string.format('nvim %d.%d.%d, vim.lsp.start %s', v.major, v.minor, v.patch,
    type(vim.lsp.start) == 'function' and 'present' or 'absent (start_client)'))

  -- -u NONE skips the filetype plugin: detection is what starts cofnod.
  vim.cmd('filetype on')

  -- Record every publishDiagnostics as the server sent it (in the negotiated
  -- position encoding).
  local published = {}
  local original = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result and result.uri then
      table.insert(published, result)
    end
    return original(err, result, ctx, config)
  end

  local cofnod = require('cofnod')
  cofnod.setup({ cmd = { bin, 'lsp' }, settings = { debounceMs = 0 } })

  local original_text = table.concat(vim.fn.readfile(note, 'b'), '\n')
  vim.cmd('edit ' .. vim.fn.fnameescape(note))
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  check(vim.bo[bufnr].filetype == 'markdown' or vim.bo[bufnr].filetype == 'text',
    'unexpected filetype ' .. vim.bo[bufnr].filetype)

  -- Where "commence" is, computed here independently of the server.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local want_line, want_byte
  for i, line in ipairs(lines) do
    local at = line:find('commence', 1, true)
    if at then
      want_line, want_byte = i - 1, at - 1
      break
    end
  end
  check(want_line, 'the note has no "commence"')
  local want_char = utf16_units(lines[want_line + 1]:sub(1, want_byte))
  local want_after = {}
  for i, line in ipairs(lines) do
    want_after[i] = (i - 1 == want_line) and line:gsub('commence', 'start', 1) or line
  end

  wait_for('the cofnod client to attach', function()
    return #cofnod.clients(bufnr) > 0
  end)
  local client = cofnod.clients(bufnr)[1]

  -- 1. The diagnostic, as sent and as Neovim stores it.
  local function sent_for(pred)
    for i = #published, 1, -1 do
      local p = published[i]
      if p.uri == uri and pred(p) then
        return p
      end
    end
  end
  local function has_plain(p)
    for _, d in ipairs(p.diagnostics) do
      if d.code == 'plain-language' then
        return true
      end
    end
    return false
  end
  wait_for('cofnod diagnostics for the note', function()
    return sent_for(has_plain) ~= nil
  end)
  -- Diagnostics come after the initialize answer: the encoding is known now.
  local enc = client.offset_encoding or 'utf-16'
  out(string.format('client %s attached, root %s, offset encoding %s', client.name, client.config.root_dir, enc))
  local lsp_diag
  for _, d in ipairs(sent_for(has_plain).diagnostics) do
    if d.code == 'plain-language' then
      lsp_diag = d
    end
  end
  check(lsp_diag.source == 'cofnod', 'source is ' .. tostring(lsp_diag.source))
  check(lsp_diag.data and lsp_diag.data.rule == 'plain-language/commence',
    'rule is ' .. vim.inspect(lsp_diag.data))
  local r = lsp_diag.range
  out(string.format('diagnostic %s %s %d:%d-%d:%d', lsp_diag.code, lsp_diag.data.rule,
    r.start.line, r.start.character, r['end'].line, r['end'].character))
  -- Neovim 0.7 offers only UTF-16; 0.10+ offers UTF-8, which the server then uses.
  local col = enc == 'utf-8' and want_byte or want_char
  check(enc == 'utf-8' or enc == 'utf-16', 'unexpected offset encoding ' .. enc)
  check(r.start.line == want_line and r.start.character == col
    and r['end'].line == want_line and r['end'].character == col + 8,
    string.format('expected range %d:%d-%d:%d (%s)', want_line, col, want_line, col + 8, enc))

  local vim_diag
  wait_for('the diagnostic in vim.diagnostic', function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.source == 'cofnod' and d.code == 'plain-language' then
        vim_diag = d
        return true
      end
    end
    return false
  end)
  out(string.format('vim.diagnostic %s %d:%d-%d:%d (bytes)', vim_diag.code, vim_diag.lnum, vim_diag.col,
    vim_diag.end_lnum, vim_diag.end_col))
  check(vim_diag.lnum == want_line and vim_diag.col == want_byte and vim_diag.end_col == want_byte + 8,
    string.format('expected bytes %d:%d-%d:%d', want_line, want_byte, want_line, want_byte + 8))

  -- 2. :CofnodExplain on the finding under the cursor.
  vim.api.nvim_win_set_cursor(0, { want_line + 1, want_byte + 2 })
  local float_before = {}
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    float_before[w] = true
  end
  vim.cmd('CofnodExplain')
  local float_text
  wait_for('the :CofnodExplain window', function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if not float_before[w] and vim.api.nvim_win_get_config(w).relative ~= '' then
        float_text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false), '\n')
        return true
      end
    end
    return false
  end)
  check(float_text:find('plain-language/commence', 1, true), 'the explanation does not name the rule:\n' .. float_text)
  out('explain window: ' .. (vim.split(float_text, '\n', true)[1] or '') .. ' (names plain-language/commence)')
  -- Close the float (it closes on CursorMoved anyway).
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if not float_before[w] then
      pcall(vim.api.nvim_win_close, w, true)
    end
  end
  vim.api.nvim_set_current_win(vim.fn.bufwinid(bufnr))

  -- 3. The preferred quick fix from textDocument/codeAction.
  local params = {
    textDocument = { uri = uri },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag }, only = { 'quickfix' } },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, TIMEOUT_MS)
  check(responses, 'codeAction failed: ' .. tostring(err))
  local response = responses[client.id]
  check(response and not response.err, 'codeAction error: ' .. vim.inspect(response))
  local preferred
  local titles = {}
  for _, action in ipairs(response.result or {}) do
    table.insert(titles, action.title)
    if action.isPreferred and action.edit and not preferred then
      preferred = action
    end
  end
  out('code actions: ' .. table.concat(titles, ' | '))
  check(preferred, 'no preferred quick fix with an edit')
  check(preferred.kind == 'quickfix', 'preferred action kind is ' .. tostring(preferred.kind))
  out('preferred: ' .. preferred.title)

  local before_fix = #published
  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding or 'utf-16')
  local now = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  out('line after fix: ' .. now[want_line + 1])
  check(vim.deep_equal(now, want_after), 'buffer after the fix:\n' .. table.concat(now, '\n'))
  check(vim.bo[bufnr].modified, 'the buffer should be modified (and not written)')

  -- 4. The server checks the changed text: no plain-language finding any more.
  local after
  wait_for('diagnostics after the fix', function()
    for i = before_fix + 1, #published do
      local p = published[i]
      if p.uri == uri and not has_plain(p) then
        after = p
        return true
      end
    end
    return false
  end)
  out(string.format('diagnostics after fix: %d (plain-language: 0)', #after.diagnostics))
  wait_for('vim.diagnostic to drop the finding', function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.source == 'cofnod' and d.code == 'plain-language' then
        return false
      end
    end
    return true
  end)

  -- 5. The statusline function, fed by cofnod/status.
  wait_for('cofnod/status after the fix', function()
    local s = cofnod.status_data(bufnr)
    return s ~= nil and s.findings == #after.diagnostics
  end)
  out('status: ' .. cofnod.status(bufnr))

  -- 6. :CofnodCheckWorkspace: the totals are reported and the findings of the
  -- notes that are not open go to the quickfix list.
  local notes = {}
  local notify = vim.notify
  vim.notify = function(msg, level, opts)
    table.insert(notes, msg)
    return notify(msg, level, opts)
  end
  vim.cmd('CofnodCheckWorkspace')
  local totals
  wait_for('the :CofnodCheckWorkspace totals', function()
    for _, msg in ipairs(notes) do
      if msg:find('checked', 1, true) then
        totals = msg
        return true
      end
    end
    return false
  end)
  vim.notify = notify
  out('check workspace: ' .. totals)
  local findings = tonumber(totals:match('(%d+) finding'))
  if findings and findings > 0 then
    wait_for('the quickfix list', function()
      return #vim.fn.getqflist() >= findings
    end)
  end
  for _, item in ipairs(vim.fn.getqflist()) do
    out(string.format('quickfix: %s:%d:%d', vim.fn.fnamemodify(vim.fn.bufname(item.bufnr), ':t'), item.lnum, item.col))
  end

  -- The note on disk is untouched.
  check(table.concat(vim.fn.readfile(note, 'b'), '\n') == original_text, 'the note on disk changed')
  out('OK')
end

local ok, err = xpcall(run, debug.traceback)
if finished then
  return
end
if ok then
  finished = true
  watchdog:stop()
  vim.cmd('qall!')
else
  fail(err)
end
