#!/usr/bin/env bash
# End-to-end test of the VS Code extension: the .vsix installed in code-server (VS Code
# 1.100 in a browser), driven by Debian's headless Chromium through playwright-core
# (test/e2e/vscode.e2e.mjs).
#
#   editors/vscode/scripts/e2e.sh [FILE.vsix]
#
# FILE.vsix defaults to the newest editors/vscode/cofnod*.vsix (`npm run package`; it
# should bundle the cofnod program, else cofnod must be on PATH). code-server and
# playwright-core are installed once into a cache folder outside the repository,
# ${COFNOD_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cofnod-e2e}, and reused (about a
# minute the first time, and some 320 MB). Each run gets a temporary workspace (a copy of
# test/e2e/notes), user data and extensions folders and a free port, and stops its
# code-server on exit. Prints a line per step (`[en] ok 3 - ...`), then the totals as
# `# pass N` and `# fail N`; exits non-zero if a step failed.
#
# Environment:
#   COFNOD_E2E_LOCALES="en cy"  the VS Code display languages to run the steps in, one
#                             run each (default "en cy"); `cy` starts code-server with
#                             `--locale cy`, so the extension's package.nls.cy.json is used
#   COFNOD_SCREENSHOTS=docs   also copy screenshots to docs/ (a folder relative to the
#                             repository's root, as for tests/compare_html.rs): the English
#                             run's vscode-e2e-{diagnostics,quick-fix,welsh}.png and the
#                             Welsh run's vscode-e2e-palette-cy.png (all are in the run's
#                             temporary folder anyway)
#   COFNOD_E2E_KEEP=1         keep the temporary folder (workspace, logs, screenshots);
#                             kept anyway when a step fails
#   CHROMIUM=/path            the browser (default: chromium on PATH)
#
# Debian packages: chromium; and, to install code-server the first time (its native
# modules are built from source): build-essential python3 pkg-config libkrb5-dev
# libsecret-1-dev libxkbfile-dev ripgrep. Nothing is downloaded but from the npm
# registry: @vscode/ripgrep is given Debian's rg instead of fetching one from GitHub.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3        # VS Code 1.100.3; the newest whose engines accept Node 20
PLAYWRIGHT_VERSION=1.65.2
RIPGREP_PACKAGE_VERSION=1.15.11    # @vscode/ripgrep, in code-server's VS Code
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

here="$(cd "$(dirname "$0")/.." && pwd)"   # editors/vscode
repo="$(cd "$here/../.." && pwd)"
cache="${COFNOD_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cofnod-e2e}"
prefix="$cache/code-server-$CODE_SERVER_VERSION+playwright-core-$PLAYWRIGHT_VERSION"
started_at=$SECONDS

say() { echo "e2e: $*" >&2; }
die() {
    echo "e2e: $*" >&2
    echo "# pass 0"
    echo "# fail 1"
    exit 1
}

# --- What the run needs ----------------------------------------------------------------
vsix="${1:-}"
if [ -z "$vsix" ]; then
    vsix="$(ls -t "$here"/cofnod*.vsix 2>/dev/null | head -n 1 || true)"
    [ -n "$vsix" ] || die "no editors/vscode/cofnod*.vsix: run \`npm run package\` first, or give a .vsix"
fi
[ -f "$vsix" ] || die "no such .vsix: $vsix"
vsix="$(cd "$(dirname "$vsix")" && pwd)/$(basename "$vsix")"

chromium="${CHROMIUM:-$(command -v chromium || true)}"
[ -n "$chromium" ] && [ -x "$chromium" ] || die "Chromium not found: apt-get install chromium (or set CHROMIUM)"
command -v node >/dev/null || die "node is not installed"
command -v npm >/dev/null || die "npm is not installed"

# --- A temporary folder for everything a run writes -------------------------------------
work="$(mktemp -d)"
keep="${COFNOD_E2E_KEEP:-}"
server_pid=""
stop_server() {
    # code-server runs in a process group of its own (setsid): its extension host and the
    # cofnod language server stop with it.
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 -- "-$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}
cleanup() {
    stop_server
    if [ "$keep" = 1 ]; then
        say "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Keep code-server and the browser out of the home folder: else code-server writes a
# default ~/.config/code-server/config.yaml (with a password), its logs in
# ~/.local/share/code-server and VS Code a ~/.cache/Microsoft/DeveloperTools/deviceid.
export CODE_SERVER_CONFIG="$work/config.yaml"
: > "$CODE_SERVER_CONFIG"
export XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/config"

# --- code-server and playwright-core, once ---------------------------------------------
install_tools() {
    local missing=() p tmp started=$SECONDS
    if command -v dpkg-query >/dev/null; then
        for p in build-essential python3 pkg-config libkrb5-dev libsecret-1-dev libxkbfile-dev ripgrep; do
            dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
        done
        [ "${#missing[@]}" -eq 0 ] ||
            die "installing code-server needs Debian's ${missing[*]}: apt-get install ${missing[*]}"
    fi
    command -v rg >/dev/null || die "rg not found: apt-get install ripgrep"
    [ "$(uname -m)" = x86_64 ] || die "this script prepares ripgrep for x86_64 only (this is $(uname -m))"
    [ -d /usr/include/node ] || die "no Node.js headers in /usr/include/node (Debian's nodejs has them) to build code-server's native modules"

    say "installing code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION into $prefix"
    rm -rf "$prefix"
    mkdir -p "$prefix"
    tmp="$(mktemp -d)"
    # @vscode/ripgrep's postinstall downloads ripgrep from GitHub unless its cache,
    # $TMPDIR/vscode-ripgrep-cache-VERSION/, already holds the release: give it Debian's rg.
    mkdir -p "$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION" "$tmp/rg"
    cp "$(command -v rg)" "$tmp/rg/rg"
    tar -C "$tmp/rg" -czf "$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION/$RIPGREP_ASSET" rg
    echo '{ "private": true, "description": "cofnod: code-server for editors/vscode/scripts/e2e.sh" }' > "$prefix/package.json"
    # As root, code-server's postinstall wants unsafe-perm and node-pty's wants yes; the
    # native modules build against Node's headers in /usr/include/node.
    if ! (
        cd "$prefix" &&
            TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr \
                npm install --no-audit --no-fund --loglevel=error \
                "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
    ) > "$tmp/install.log" 2>&1; then
        tail -n 60 "$tmp/install.log" >&2
        rm -rf "$tmp"
        die "npm install of code-server $CODE_SERVER_VERSION failed (the end of its log is above)"
    fi
    rm -rf "$tmp"
    "$prefix/node_modules/.bin/code-server" --version > /dev/null 2>&1 ||
        die "code-server was installed in $prefix but does not run"
    touch "$prefix/.installed"
    say "installed in $((SECONDS - started)) s"
}

[ -f "$prefix/.installed" ] || install_tools
code_server="$prefix/node_modules/.bin/code-server"
say "code-server $("$code_server" --version 2>/dev/null | head -n 1), $(basename "$vsix")"

# --- The runs --------------------------------------------------------------------------

free_port() {
    node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

wait_for_server() {
    local url="$1" log="$2"
    for _ in $(seq 300); do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            cat "$log" >&2
            return 1
        fi
        if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/healthz" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    cat "$log" >&2
    return 1
}

pass=0
fail=0
for locale in ${COFNOD_E2E_LOCALES:-en cy}; do
    run="$work/$locale"
    mkdir -p "$run/user-data/User" "$run/extensions" "$run/shots" "$run/workspace"
    cp "$here/test/e2e/notes/"* "$run/workspace/"
    # No welcome page, tips, update checks or AI features; cofnod's models off, so the
    # findings are the rules' only (the test compares them with `cofnod check --models off`).
    cat > "$run/user-data/User/settings.json" <<'JSON'
{
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": true,
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "update.mode": "none",
    "telemetry.telemetryLevel": "off",
    "security.workspace.trust.enabled": false,
    "editor.hover.delay": 200,
    "editor.minimap.enabled": false,
    "editor.cursorBlinking": "solid",
    "files.insertFinalNewline": false,
    "files.trimTrailingWhitespace": false,
    "cofnod.models": "off"
}
JSON
    common=(--user-data-dir "$run/user-data" --extensions-dir "$run/extensions")
    if ! "$code_server" "${common[@]}" --install-extension "$vsix" > "$run/install-extension.log" 2>&1; then
        cat "$run/install-extension.log" >&2
        say "[$locale] could not install $vsix in code-server"
        fail=$((fail + 1))
        keep=1
        continue
    fi
    extension="$(ls -d "$run/extensions"/cofnod.cofnod-* | head -n 1)"
    # The reference findings come from the program the extension runs: the bundled one,
    # else cofnod on PATH (a universal .vsix).
    cli="$extension/bin/cofnod"
    [ -x "$cli" ] || cli="$(command -v cofnod || true)"
    [ -n "$cli" ] || die "the .vsix has no bundled cofnod and cofnod is not on PATH"

    locale_args=()
    if [ "$locale" != en ]; then
        # VS Code takes a display language only if a language pack for it is installed;
        # there is none for Welsh, so register an empty one (the workbench itself stays in
        # English) in the list of language packs VS Code keeps in its user data. With
        # `--locale cy` vscode.env.language is then "cy", and extensions get their
        # package.nls.cy.json and l10n/bundle.l10n.cy.json. (Installing a language pack
        # with --install-extension does not write this list; only the running workbench does.)
        echo '{ "version": "1.0.0", "contents": {} }' > "$run/core-$locale.i18n.json"
        cat > "$run/user-data/languagepacks.json" <<JSON
{
    "$locale": {
        "hash": "cofnod-e2e-$locale-1",
        "label": "$locale",
        "extensions": [{ "extensionIdentifier": { "id": "cofnod-e2e.language-pack-$locale" }, "version": "0.0.0" }],
        "translations": { "vscode": "$run/core-$locale.i18n.json" }
    }
}
JSON
        locale_args=(--locale "$locale")
    fi
    port="$(free_port)"
    setsid "$code_server" "${common[@]}" "${locale_args[@]}" \
        --auth none --bind-addr "127.0.0.1:$port" \
        --disable-telemetry --disable-update-check --disable-workspace-trust \
        --disable-getting-started-override \
        "$run/workspace" > "$run/code-server.log" 2>&1 &
    server_pid=$!
    if ! wait_for_server "http://127.0.0.1:$port" "$run/code-server.log"; then
        say "[$locale] code-server did not start (its log is above)"
        stop_server
        fail=$((fail + 1))
        keep=1
        continue
    fi
    say "[$locale] code-server on 127.0.0.1:$port (pid $server_pid), files in $run"

    set +e
    COFNOD_E2E_URL="http://127.0.0.1:$port/?folder=$run/workspace" \
        COFNOD_E2E_WORKSPACE="$run/workspace" \
        COFNOD_E2E_EXTENSION="$extension" \
        COFNOD_E2E_CLI="$cli" \
        COFNOD_E2E_OUT="$run/shots" \
        COFNOD_E2E_LOCALE="$locale" \
        COFNOD_E2E_NODE_MODULES="$prefix/node_modules" \
        COFNOD_SCREENSHOTS_DIR="${COFNOD_SCREENSHOTS:+$repo/$COFNOD_SCREENSHOTS}" \
        CHROMIUM="$chromium" \
        node "$here/test/e2e/vscode.e2e.mjs" 2>&1 | sed -u "s/^/[$locale] /" | tee "$run/test.log"
    status=${PIPESTATUS[0]}
    set -e
    stop_server
    p="$(grep -cE '^\[[a-z-]+\] ok ' "$run/test.log" || true)"
    f="$(grep -cE '^\[[a-z-]+\] not ok ' "$run/test.log" || true)"
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        say "[$locale] the test stopped (status $status) before reporting a failed step"
        f=1
    fi
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$f" -gt 0 ]; then
        say "[$locale] the end of code-server's log ($run/code-server.log):"
        tail -n 15 "$run/code-server.log" >&2 || true
        keep=1
    fi
done

say "done in $((SECONDS - started_at)) s"
echo "# pass $pass"
echo "# fail $fail"
[ "$fail" -eq 0 ]
