-- cofnod for Neovim: runs the cofnod language server (`cofnod lsp`) on Markdown and
-- plain text notes, with `:CofnodExplain`, `:CofnodCheckWorkspace` and a statusline
-- function. Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client,
-- one client per root folder) and uses vim.lsp.start on 0.8 and later.
--
--   require('cofnod').setup({
--     cmd = { 'cofnod', 'lsp' },
--     filetypes = { 'markdown', 'text' },
--     root_markers = { 'cofnod.toml', '.git' },
--     settings = { language = 'auto', debounceMs = 150 },
--   })
--
-- Everything runs on this computer: the server reads the open notes and nothing else
-- leaves the machine.

local M = {}

local NAME = 'cofnod'
local CMD_EXPLAIN = 'cofnod.server.explain'
local CMD_CHECK_WORKSPACE = 'cofnod.server.checkWorkspace'
local IDS = { 'plain-language', 'opinion-as-fact', 'vague', 'output-as-outcome', 'own-words', 'rationale' }

local defaults = {
  cmd = { 'cofnod', 'lsp' },
  filetypes = { 'markdown', 'text' },
  root_markers = { 'cofnod.toml', '.git' },
  -- The `cofnod` settings: language, debounceMs, disable, severity, ruleFiles,
  -- ignore, trace. Sent as initializationOptions and in workspace/configuration.
  settings = {},
  -- 'float' or 'split': where :CofnodExplain shows its text.
  explain = 'float',
  -- Passed on to the client unchanged when given.
  on_attach = nil,
  capabilities = nil,
  flags = nil,
}

M.config = vim.deepcopy(defaults)

-- Per-file status from the `cofnod/status` notification, by file name.
local statuses = {}
-- Neovim 0.7 only: the client id for each root folder.
local clients_by_root = {}
local warned_missing = false

local function notify(msg, level)
  vim.notify('cofnod: ' .. msg, level or vim.log.levels.INFO)
end

local function has_start()
  return type(vim.lsp.start) == 'function'
end

-- client.request on 0.7-0.10, client:request on 0.11+ (the dot form is deprecated).
local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function all_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients()
  end
  return vim.lsp.get_active_clients()
end

--- The running cofnod clients, those attached to `bufnr` when it is given.
function M.clients(bufnr)
  local out = {}
  for _, client in pairs(all_clients()) do
    if client.name == NAME and (bufnr == nil or vim.lsp.buf_is_attached(bufnr, client.id)) then
      table.insert(out, client)
    end
  end
  return out
end

-- The client for a command run from `bufnr`: the one attached to it, else any.
local function client_for(bufnr)
  return M.clients(bufnr)[1] or M.clients()[1]
end

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

--- The root folder of a file: the nearest folder holding one of the root markers
--- (`cofnod.toml` or `.git` by default), else the file's own folder.
function M.find_root(fname, markers)
  markers = markers or M.config.root_markers
  local dir = vim.fn.fnamemodify(fname, ':p:h')
  local cur = dir
  while cur and cur ~= '' do
    for _, marker in ipairs(markers) do
      if exists(cur .. '/' .. marker) then
        return cur
      end
    end
    local parent = vim.fn.fnamemodify(cur, ':h')
    if parent == cur then
      break
    end
    cur = parent
  end
  return dir
end

-- Settings as JSON-friendly values: an empty Lua table would be sent as `[]` or `{}`
-- by chance, so empty values are dropped and an empty section is sent as `{}`.
local function clean_settings(settings)
  local out = {}
  for key, value in pairs(settings or {}) do
    if not (type(value) == 'table' and vim.tbl_isempty(value)) then
      out[key] = value
    end
  end
  if vim.tbl_isempty(out) then
    return vim.empty_dict()
  end
  return out
end

local function on_status(_, params, _)
  if type(params) ~= 'table' or type(params.uri) ~= 'string' then
    return
  end
  local ok, fname = pcall(vim.uri_to_fname, params.uri)
  if not ok then
    return
  end
  statuses[fname] = { language = params.language, findings = params.findings }
  vim.schedule(function()
    pcall(vim.cmd, 'redrawstatus!')
    if vim.api.nvim_exec_autocmds then
      pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'CofnodStatus', modeline = false })
    end
  end)
end

local LANG_LABELS = { en = 'EN', cy = 'CY', mixed = 'EN+CY', unknown = '?' }

--- The last status of a note: `{ language = 'en', findings = 2 }`, or nil.
function M.status_data(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return nil
  end
  return statuses[vim.api.nvim_buf_get_name(bufnr)]
end

--- A short status for a statusline: "EN · 2" (language · findings), or "" when
--- cofnod has not checked the buffer.
function M.status(bufnr)
  local s = M.status_data(bufnr)
  if not s then
    return ''
  end
  local lang = LANG_LABELS[s.language] or string.upper(tostring(s.language or '?'))
  return string.format('%s · %d', lang, tonumber(s.findings) or 0)
end

local function client_config(root)
  local cfg = M.config
  local settings = clean_settings(cfg.settings)
  return {
    name = NAME,
    cmd = cfg.cmd,
    root_dir = root,
    init_options = settings,
    -- Answers workspace/configuration (section "cofnod") with the default handler.
    settings = { cofnod = settings },
    handlers = { ['cofnod/status'] = on_status },
    capabilities = cfg.capabilities,
    on_attach = cfg.on_attach,
    flags = cfg.flags,
    on_exit = function(_, _, client_id)
      if clients_by_root[root] == client_id then
        clients_by_root[root] = nil
      end
      for fname in pairs(statuses) do
        if fname:sub(1, #root + 1) == root .. '/' then
          statuses[fname] = nil
        end
      end
    end,
  }
end

local function is_note_buffer(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return false
  end
  return vim.api.nvim_buf_get_name(bufnr) ~= ''
end

--- Starts cofnod for `bufnr` (or reuses the client of its root folder) and attaches it.
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  if not is_note_buffer(bufnr) then
    return nil
  end
  local program = M.config.cmd[1]
  if vim.fn.executable(program) ~= 1 then
    if not warned_missing then
      warned_missing = true
      notify(string.format('cannot run "%s": install cofnod or set cmd in setup()', program), vim.log.levels.WARN)
    end
    return nil
  end
  local root = M.find_root(vim.api.nvim_buf_get_name(bufnr))
  local config = client_config(root)
  if has_start() then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function show_markdown(title, markdown)
  local lines = {}
  if title and title ~= '' and not markdown:match('^#') then
    table.insert(lines, '# ' .. title)
    table.insert(lines, '')
  end
  for _, line in ipairs(vim.split(markdown, '\n', true)) do
    table.insert(lines, line)
  end
  if M.config.explain == 'split' then
    vim.cmd('botright new')
    local buf = vim.api.nvim_get_current_buf()
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'wipe'
    vim.bo[buf].swapfile = false
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
    vim.bo[buf].modifiable = false
    vim.bo[buf].filetype = 'markdown'
    pcall(vim.api.nvim_buf_set_name, buf, 'cofnod://explain/' .. (title or 'cofnod'))
    return buf
  end
  local buf, win = vim.lsp.util.open_floating_preview(lines, 'markdown', {
    border = 'rounded',
    focus_id = 'cofnod-explain',
    max_width = math.min(80, vim.o.columns - 4),
  })
  return buf, win
end

-- The cofnod diagnostic under the cursor, else the first on the cursor's line.
local function diagnostic_at_cursor(bufnr)
  local cursor = vim.api.nvim_win_get_cursor(0)
  local row, col = cursor[1] - 1, cursor[2]
  local first
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == NAME then
      local end_lnum = d.end_lnum or d.lnum
      local after_start = row > d.lnum or (row == d.lnum and col >= d.col)
      local before_end = row < end_lnum or (row == end_lnum and col < math.max(d.end_col or d.col, d.col + 1))
      if after_start and before_end then
        return d
      end
      if d.lnum == row and not first then
        first = d
      end
    end
  end
  return first
end

local function diagnostic_id(d)
  local lsp = d.user_data and d.user_data.lsp
  local data = lsp and lsp.data
  if type(data) == 'table' and type(data.rule) == 'string' then
    return data.rule
  end
  return d.code
end

--- Shows the explanation of a check or rule (`id`), or of the finding under the
--- cursor. `done(err, result)` is called after it is shown (for tests and scripts).
function M.explain(id, done)
  local bufnr = vim.api.nvim_get_current_buf()
  if id == nil or id == '' then
    local d = diagnostic_at_cursor(bufnr)
    if not d then
      notify('no cofnod finding under the cursor; give a check id, e.g. :CofnodExplain vague', vim.log.levels.WARN)
      return
    end
    id = diagnostic_id(d)
  end
  local client = client_for(bufnr)
  if not client then
    notify('cofnod is not running: open a note (.md or .txt) first', vim.log.levels.WARN)
    return
  end
  local args = { id }
  local lang = (M.config.settings or {}).language
  if lang ~= 'en' and lang ~= 'cy' then
    local s = M.status_data(bufnr)
    lang = s and (s.language == 'en' or s.language == 'cy') and s.language or nil
  end
  if lang then
    table.insert(args, lang)
  end
  request(client, 'workspace/executeCommand', { command = CMD_EXPLAIN, arguments = args }, function(err, result)
    if err then
      notify(err.message or tostring(err), vim.log.levels.ERROR)
    elseif type(result) == 'table' and type(result.markdown) == 'string' then
      show_markdown(result.title, result.markdown)
    end
    if done then
      done(err, result)
    end
  end, bufnr)
end

--- Checks every note under `folder` (default: the root folder of the current
--- note), fills the quickfix list with cofnod's findings and reports the totals.
function M.check_workspace(folder, done)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_for(bufnr)
  if not client then
    notify('cofnod is not running: open a note (.md or .txt) first', vim.log.levels.WARN)
    return
  end
  folder = folder and folder ~= '' and vim.fn.fnamemodify(folder, ':p') or client.config.root_dir
  folder = folder:gsub('(.)/$', '%1')
  local params = { command = CMD_CHECK_WORKSPACE, arguments = { vim.uri_from_fname(folder) } }
  notify('checking ' .. folder .. ' ...')
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err then
      notify(err.message or tostring(err), vim.log.levels.ERROR)
    elseif type(result) == 'table' then
      local msg = string.format('%d file(s) checked, %d finding(s)', result.files or 0, result.findings or 0)
      if (result.errors or 0) > 0 then
        msg = msg .. string.format(', %d file(s) could not be read', result.errors)
      end
      notify(msg)
      -- The server publishes the diagnostics of the notes that are not open before
      -- it answers, but they may reach Neovim after the answer: wait (up to 3 s)
      -- until as many findings as it counted are in, then fill the quickfix list.
      local want = result.findings or 0
      if want > 0 then
        local ns = vim.lsp.diagnostic.get_namespace(client.id)
        local deadline = vim.loop.now() + 3000
        local function fill()
          if #vim.diagnostic.get(nil, { namespace = ns }) < want and vim.loop.now() < deadline then
            vim.defer_fn(fill, 20)
            return
          end
          vim.diagnostic.setqflist({ namespace = ns, title = 'cofnod: ' .. folder, open = true })
        end
        vim.schedule(fill)
      end
    end
    if done then
      done(err, result)
    end
  end, bufnr)
end

local function create_commands()
  vim.api.nvim_create_user_command('CofnodExplain', function(opts)
    M.explain(opts.args)
  end, {
    nargs = '?',
    desc = 'Explain a cofnod check or rule (default: the finding under the cursor)',
    complete = function(lead)
      return vim.tbl_filter(function(id)
        return id:sub(1, #lead) == lead
      end, IDS)
    end,
  })
  vim.api.nvim_create_user_command('CofnodCheckWorkspace', function(opts)
    M.check_workspace(opts.args)
  end, { nargs = '?', complete = 'dir', desc = 'Check every note in the workspace with cofnod' })
end

--- Sets cofnod up: starts it for every buffer of the given filetypes (now and later).
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  -- Lists replace the defaults rather than merging index by index.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if opts and opts[key] then
      M.config[key] = opts[key]
    end
  end
  if opts and opts.settings then
    M.config.settings = vim.deepcopy(opts.settings)
  end
  warned_missing = false

  local group = vim.api.nvim_create_augroup('cofnod', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    desc = 'Start the cofnod language server',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  create_commands()

  -- Buffers opened before setup() was called.
  local wanted = {}
  for _, ft in ipairs(M.config.filetypes) do
    wanted[ft] = true
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and wanted[vim.bo[bufnr].filetype] then
      M.attach(bufnr)
    end
  end
end

return M
