# Sourced by the other scripts: where build output and tools live. Both stay
# outside the clone so a fresh clone (CI) reuses a warm cache.
DOWNLINK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOWNLINK_CACHE="${DOWNLINK_CACHE:-$HOME/.cache/downlink}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$DOWNLINK_CACHE/target}"
DOWNLINK_TOOLS="$DOWNLINK_CACHE/tools"
export PATH="$DOWNLINK_TOOLS/bin:$DOWNLINK_ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export NEXTEST_HIDE_PROGRESS_BAR=1

# A version pinned in Cargo.toml's [workspace.metadata.tools].
tool_version() {
  sed -n '/^\[workspace.metadata.tools\]/,/^\[/p' "$DOWNLINK_ROOT/Cargo.toml" |
    sed -n "s/^$1 = \"\\(.*\\)\"/\\1/p"
}

step() { printf '\n==> %s\n' "$*"; }
