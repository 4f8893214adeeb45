#!/usr/bin/env bash
# Set up this checkout on a fresh machine: a virtualenv in .venv with zhaotong-kg installed.
#   scripts/setup.sh          the package and its runtime dependencies (build, query, network, viz),
#                             and the SPARQL editor's CodeMirror 5 (npm, into zkg/static/vendor/)
#   scripts/setup.sh --test   also what the tests need: the Oxigraph server, the OWL reasoner's
#                             Python side, Jupyter's kernel, Playwright, Debian's chromium, Java and
#                             Virtuoso (virtuoso-opensource; the tests start their own on free ports),
#                             and axe-core (npm, into tests/vendor/) for the pages' accessibility checks
#   scripts/setup.sh --lab    the package with JupyterLab and jupytext, to open the notebooks
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "setup: Python 3.11 or newer is needed (python3 is $(python3 -V))" >&2; exit 1; }
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip

# Code from the npm registry, pinned, into untracked folders (never committed): CodeMirror 5 for the
# editor at /sparql (without it the page keeps a plain textarea), axe-core for the browser tests.
npm_install() {  # npm_install FOLDER NAME@VERSION (skipped when that version is there)
  local manifest="$1/node_modules/${2%@*}/package.json"
  if ! { [ -f "$manifest" ] && grep -q "\"version\": \"${2##*@}\"" "$manifest"; }; then
    npm install --prefix "$1" --no-audit --no-fund --loglevel=error "$2" >/dev/null
  fi
}
if [ "${1:-}" = "--test" ] && ! command -v npm >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm >/dev/null
fi
if command -v npm >/dev/null; then
  npm_install zkg/static/vendor codemirror@5.65.21
else
  echo "setup: no npm, so the SPARQL editor keeps a plain textarea (apt-get install npm, then run this again)" >&2
fi

if [ "${1:-}" = "--test" ]; then
  npm_install tests/vendor axe-core@4.14.1
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v java >/dev/null || missing+=(default-jre-headless)
  command -v virtuoso-t >/dev/null || missing+=(virtuoso-opensource)  # the second server engine (tests/virtuoso.py)
  # A Chinese font, so the browser draws the labels of the school network (not empty boxes).
  { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh)" ]; } || missing+=(fonts-wqy-microhei)
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
elif [ "${1:-}" = "--lab" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[lab]"
  echo "setup: open the notebooks with: .venv/bin/jupyter lab notebooks/"
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi
echo "setup: ready (.venv/bin/zkg)"
