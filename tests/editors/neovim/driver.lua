-- Test driver, run inside a headless Neovim that loaded clients/neovim/plantls.lua from its
-- init.lua: opens a file, waits for the plantls client and its diagnostics, asks for a hover,
-- and writes what came back to $PLANTLS_RESULT as JSON. Always quits.
local out_path = os.getenv("PLANTLS_RESULT")
local file = os.getenv("PLANTLS_FILE")
local hover_line = tonumber(os.getenv("PLANTLS_HOVER_LINE") or "-1")
local hover_col = tonumber(os.getenv("PLANTLS_HOVER_COL") or "0")
local result = { steps = {} }

local function write()
  local f = assert(io.open(out_path, "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
end

local function clients(buf)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf, name = "plantls" })
  end
  local list = {}
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do
    if c.name == "plantls" then
      table.insert(list, c)
    end
  end
  return list
end

local function run()
  local v = vim.version()
  result.version = string.format("%d.%d.%d", v.major, v.minor, v.patch)
  result.has_lsp_config = vim.lsp.config ~= nil
  result.has_lsp_start = vim.lsp.start ~= nil
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.api.nvim_buf_get_option(buf, "filetype")
  result.commentstring = vim.api.nvim_buf_get_option(buf, "commentstring")

  result.steps.attach = vim.wait(30000, function() return #clients(buf) > 0 end, 50)
  local client = clients(buf)[1]
  if client then
    result.client = { name = client.name, cmd = client.config.cmd, root_dir = client.config.root_dir }
  end

  result.steps.diagnostics = vim.wait(60000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(result.diagnostics, {
      code = d.code or lsp.code,
      lnum = d.lnum,
      col = d.col,
      severity = d.severity,
      source = d.source or lsp.source,
      message = d.message,
    })
  end

  if hover_line < 0 then
    return
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = hover_line, character = hover_col },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 20000)
  for _, response in pairs(responses or {}) do
    local contents = response.result and response.result.contents
    if type(contents) == "table" then
      result.hover = contents.value or vim.fn.json_encode(contents)
    elseif contents then
      result.hover = contents
    end
    if response.err then
      result.hover_error = vim.fn.json_encode(response.err)
    end
  end
  result.steps.hover = result.hover ~= nil
end

local ok, err = pcall(run)
if not ok then
  result.error = tostring(err)
end
write()
vim.cmd("qa!")
