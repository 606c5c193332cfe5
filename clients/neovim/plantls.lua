-- plantls for Neovim: Structured Text (IEC 61131-3, TwinCAT), OpenDSS and fab recipes.
--
-- Load it as it is, from init.lua:
--
--   dofile("/path/to/plantls/clients/neovim/plantls.lua")
--
-- or with `:luafile /path/to/plantls/clients/neovim/plantls.lua`. It starts `plantls serve`
-- from PATH. To change the command or the settings, set `vim.g.plantls` before loading it:
--
--   vim.g.plantls = {
--     cmd = { "/opt/plantls/bin/plantls", "serve" },
--     settings = { plantls = { rules = { ignore = { "ST205" } }, model = { backend = "none" } } },
--   }
--
-- (the loaded file also returns a table whose setup(opts) does the same). The settings are the
-- keys of plantls.toml (model.*, completion.*, hints.*, rules.*, st.*, dss.*) under `plantls`;
-- the server asks for them through workspace/configuration.
--
-- Neovim 0.11+: vim.lsp.config("plantls", ...) and vim.lsp.enable("plantls"), so
-- vim.lsp.config("plantls", { ... }) after loading still overrides any field.
-- Older Neovim: a FileType autocmd starts the client (vim.lsp.start on 0.8-0.10,
-- vim.lsp.start_client on 0.7).

local M = {}

M.filetypes = { "iec-st", "opendss", "fab-recipe", "fab-tool" }
M.root_markers = { "plantls.toml", ".plantls.toml", "pyproject.toml", ".git" }
M.comments = { ["iec-st"] = "// %s", opendss = "! %s", ["fab-recipe"] = "# %s", ["fab-tool"] = "# %s" }

local function has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

-- Filetypes ------------------------------------------------------------------------------------

local ST_EXTENSIONS = { "st", "iecst", "TcPOU", "TcGVL", "TcDUT" }

function M.filetype_detection()
  if has("0.8") then
    local extension = { dss = "opendss" }
    for _, ext in ipairs(ST_EXTENSIONS) do
      extension[ext] = "iec-st"
    end
    vim.filetype.add({
      extension = extension,
      pattern = {
        [".*%.recipe%.ya?ml"] = { "fab-recipe", { priority = 10 } },
        [".*%.tool%.ya?ml"] = { "fab-tool", { priority = 10 } },
      },
    })
    return
  end
  -- Neovim 0.7 detects filetypes with filetype.vim: set ours explicitly (".st" is Smalltalk there).
  local group = vim.api.nvim_create_augroup("plantls_filetypes", { clear = true })
  local rules = {
    { "*.st,*.iecst,*.TcPOU,*.TcGVL,*.TcDUT", "iec-st" },
    { "*.dss", "opendss" },
    { "*.recipe.yaml,*.recipe.yml", "fab-recipe" },
    { "*.tool.yaml,*.tool.yml", "fab-tool" },
  }
  for _, rule in ipairs(rules) do
    vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
      group = group,
      pattern = rule[1],
      callback = function(args)
        vim.api.nvim_buf_set_option(args.buf, "filetype", rule[2])
      end,
    })
  end
end

-- Highlighting: small Vim syntax definitions (the server has the real parser) -------------------

local SYNTAX = {
  ["iec-st"] = [[
    syntax case ignore
    syntax keyword plantlsStKeyword IF THEN ELSIF ELSE END_IF CASE OF END_CASE FOR TO BY DO END_FOR
    syntax keyword plantlsStKeyword WHILE END_WHILE REPEAT UNTIL END_REPEAT EXIT CONTINUE RETURN
    syntax keyword plantlsStOperator AND OR XOR NOT MOD AND_THEN OR_ELSE
    syntax keyword plantlsStStructure PROGRAM END_PROGRAM FUNCTION END_FUNCTION FUNCTION_BLOCK
    syntax keyword plantlsStStructure END_FUNCTION_BLOCK METHOD END_METHOD PROPERTY END_PROPERTY
    syntax keyword plantlsStStructure INTERFACE END_INTERFACE ACTION END_ACTION TYPE END_TYPE
    syntax keyword plantlsStStructure STRUCT END_STRUCT EXTENDS IMPLEMENTS
    syntax keyword plantlsStStorage VAR VAR_INPUT VAR_OUTPUT VAR_IN_OUT VAR_GLOBAL VAR_EXTERNAL
    syntax keyword plantlsStStorage VAR_TEMP VAR_STAT VAR_INST END_VAR CONSTANT RETAIN PERSISTENT
    syntax keyword plantlsStType BOOL BYTE WORD DWORD LWORD SINT USINT INT UINT DINT UDINT LINT ULINT
    syntax keyword plantlsStType REAL LREAL TIME LTIME DATE TIME_OF_DAY TOD DATE_AND_TIME DT STRING
    syntax keyword plantlsStType WSTRING ARRAY POINTER REFERENCE
    syntax keyword plantlsStBlock TON TOF TP CTU CTD CTUD R_TRIG F_TRIG SR RS
    syntax keyword plantlsStConstant TRUE FALSE
    syntax match plantlsStNumber "\<\d[0-9_]*\(\.\d\+\)\=\>"
    syntax match plantlsStNumber "\<\(T\|TIME\|LT\|LTIME\)#[0-9a-z_.]\+"
    syntax match plantlsStNumber "\<\(2\|8\|16\)#[0-9a-f_]\+"
    syntax region plantlsStString start=+'+ skip=+\$'+ end=+'+
    syntax region plantlsStString start=+"+ skip=+\$"+ end=+"+
    syntax match plantlsStComment "//.*$"
    syntax region plantlsStComment start="(\*" end="\*)" contains=plantlsStComment
    syntax region plantlsStPragma start="{" end="}"
    highlight default link plantlsStKeyword Conditional
    highlight default link plantlsStOperator Operator
    highlight default link plantlsStStructure Structure
    highlight default link plantlsStStorage StorageClass
    highlight default link plantlsStType Type
    highlight default link plantlsStBlock Function
    highlight default link plantlsStConstant Boolean
    highlight default link plantlsStNumber Number
    highlight default link plantlsStString String
    highlight default link plantlsStComment Comment
    highlight default link plantlsStPragma PreProc
  ]],
  opendss = [[
    syntax case ignore
    syntax keyword plantlsDssCommand New Edit More Redirect Compile Clear Solve Set Show Export
    syntax keyword plantlsDssCommand CalcVoltageBases Buscoords Disable Enable Select Plot Reset
    syntax match plantlsDssObject "\<\a\w*\.\S\+"
    syntax match plantlsDssProperty "\<[a-z_%][a-z0-9_%\-]*\ze\s*="
    syntax match plantlsDssNumber "\<[-+]\=\d\+\(\.\d*\)\=\([eE][-+]\=\d\+\)\=\>"
    syntax region plantlsDssString start=+"+ end=+"+
    syntax match plantlsDssComment "!.*$"
    syntax match plantlsDssComment "//.*$"
    highlight default link plantlsDssCommand Statement
    highlight default link plantlsDssObject Identifier
    highlight default link plantlsDssProperty Type
    highlight default link plantlsDssNumber Number
    highlight default link plantlsDssString String
    highlight default link plantlsDssComment Comment
  ]],
}

local function on_filetype(args)
  local ft = vim.api.nvim_buf_get_option(args.buf, "filetype")
  vim.api.nvim_buf_set_option(args.buf, "commentstring", M.comments[ft])
  if ft == "fab-recipe" or ft == "fab-tool" then
    vim.api.nvim_buf_set_option(args.buf, "syntax", "yaml")
  end
end

local function on_syntax(args)
  local done = pcall(vim.api.nvim_buf_get_var, args.buf, "current_syntax")
  if not done and SYNTAX[args.match] then
    vim.api.nvim_buf_call(args.buf, function()
      vim.cmd(SYNTAX[args.match])
      vim.b.current_syntax = args.match
    end)
  end
end

-- The language server ---------------------------------------------------------------------------

local function root_dir(path)
  -- Without vim.fs on 0.7: walk up the folders looking for a marker.
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while dir and dir ~= "" do
    for _, marker in ipairs(M.root_markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return vim.fn.fnamemodify(path, ":p:h")
end

local function legacy_start(opts, buf)
  local name = vim.api.nvim_buf_get_name(buf)
  if name == "" then
    return
  end
  local config = {
    name = "plantls",
    cmd = opts.cmd,
    root_dir = root_dir(name),
    settings = opts.settings,
    init_options = opts.init_options,
    -- Neovim < 0.8 answers workspace/configuration but does not say so: push the settings
    on_init = function(client)
      client.notify("workspace/didChangeConfiguration", { settings = client.config.settings })
      return true
    end,
  }
  if vim.lsp.start then -- 0.8-0.10: reuses a running client with the same name and root
    vim.lsp.start(config, { bufnr = buf })
    return
  end
  -- 0.7: one client per root folder
  M._clients = M._clients or {}
  local id = M._clients[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    config.workspace_folders = {
      { uri = vim.uri_from_fname(config.root_dir), name = config.root_dir },
    }
    id = vim.lsp.start_client(config)
    M._clients[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(buf, id)
  end
end

function M.setup(opts)
  opts = vim.tbl_deep_extend("force", {
    cmd = { "plantls", "serve" },
    settings = { plantls = vim.empty_dict() },
  }, opts or {})
  -- the settings also go in initializationOptions: the server has them from the first message
  opts.init_options = opts.init_options or opts.settings
  M.options = opts
  M.filetype_detection()

  local group = vim.api.nvim_create_augroup("plantls", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.filetypes,
    callback = on_filetype,
  })
  vim.api.nvim_create_autocmd("Syntax", {
    group = group,
    pattern = { "iec-st", "opendss" },
    callback = on_syntax,
  })

  if has("0.11") and vim.lsp.config then
    vim.lsp.config("plantls", {
      cmd = opts.cmd,
      filetypes = M.filetypes,
      root_markers = M.root_markers,
      settings = opts.settings,
      init_options = opts.init_options,
    })
    vim.lsp.enable("plantls")
  else
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = M.filetypes,
      callback = function(args)
        legacy_start(opts, args.buf)
      end,
    })
  end
  return M
end

return M.setup(vim.g.plantls)
