#!/usr/bin/env bash
# Install what plantls's VS Code end-to-end test needs, offline from the npm registry only:
# code-server 4.100.3 (the VS Code 1.100.3 server and web workbench, the last line that runs on
# Node 20) and playwright-core (to drive Debian's Chromium), into tests/editors/vscode/node_modules.
#
# code-server's own postinstall would fetch from GitHub, so install scripts are off and its
# steps are done here by hand: the runtime dependencies of lib/vscode, Debian's ripgrep in place
# of the downloaded one, the native modules compiled against the local Node headers, and the
# links its postinstall makes. System packages (chromium, ripgrep, libkrb5-dev, a compiler) come
# from .ci/editor-packages.sh.
#
# Idempotent: a stamp file records a finished install of this package-lock.json.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
STAMP=node_modules/.plantls-e2e-installed
if [ -f "$STAMP" ] && [ "$STAMP" -nt package-lock.json ] && [ "$STAMP" -nt install.sh ]; then
  exit 0
fi
T0=$(date +%s)
say() { echo "[vscode e2e install, $(( $(date +%s) - T0 ))s] $*"; }

for tool in node npm rg cc make; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run 'make editors' (or .ci/editor-packages.sh) first" >&2; exit 1; }
done
# node-gyp must use the local headers (the nodesource nodejs package ships them), never nodejs.org
NODE_HEADERS=$(dirname "$(dirname "$(command -v node)")")/include/node
[ -f "$NODE_HEADERS/common.gypi" ] || { echo "Node headers missing at $NODE_HEADERS: node-gyp would need nodejs.org" >&2; exit 1; }
export npm_config_nodedir
npm_config_nodedir=$(dirname "$(dirname "$NODE_HEADERS")")

say "npm ci (code-server, playwright-core), scripts off"
rm -f "$STAMP"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

CS=$HERE/node_modules/code-server
VS=$CS/lib/vscode
say "lib/vscode runtime dependencies (its npm-shrinkwrap.json), scripts off"
(cd "$VS" && npm install --ignore-scripts --omit=dev --no-audit --no-fund --loglevel=error)

say "ripgrep from Debian"
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"

say "native modules, built from source against $NODE_HEADERS"
export npm_config_build_from_source=true npm_config_yes=true JOBS=max  # JOBS: make -j for node-gyp
(cd "$VS" && npm rebuild --foreground-scripts --loglevel=error \
  kerberos node-pty @vscode/spdlog @vscode/deviceid native-watchdog >/dev/null)
(cd "$HERE" && npm rebuild --foreground-scripts --loglevel=error argon2 >/dev/null)
unset npm_config_build_from_source

say "the rest of code-server's postinstall"
ln -sfn node_modules "$VS/node_modules.asar"
(cd "$VS/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$VS/bin/helpers" && ln -sfn browser-linux.sh browser.sh)
(cd "$VS/extensions" && npm install --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)

node -e "console.log(\"code-server \" + require(\"./node_modules/code-server/package.json\").version)"
touch "$STAMP"
say "done"
