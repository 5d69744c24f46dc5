#!/usr/bin/env bash
# Set up a development environment from a fresh clone: a Python venv with
# JupyterLab and the bash kernel, the JavaScript dependencies, and the
# extension built and linked in development mode. Safe to run again: each
# step is quick when its work is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
if ! need node || ! need python3; then
  echo "setup: Node.js (20 or later) and Python 3 are needed." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
# shellcheck disable=SC1091
source .venv/bin/activate
python -m pip install --quiet --upgrade pip
# mkdocs builds the documentation site (`jlpm docs:check`), pinned: the
# check fails on the warnings of this version (broken links and anchors).
python -m pip install --quiet "jupyterlab>=4.6,<4.7" "bash_kernel>=0.10" "jupyter-builder>=1.2,<2" \
  "mkdocs==1.6.1"
# The Python lint (`jlpm lint:py`, pinned: a new ruff release adds rules) and
# the validator the test of docs/api/openapi.yaml uses.
python -m pip install --quiet "ruff==0.17.5" "openapi-spec-validator>=0.7,<0.10"
# Outputs are captured before matching: `cmd | grep -q` fails under
# pipefail when grep stops reading early.
if [[ ! $(jupyter kernelspec list 2>/dev/null) =~ (^|$'\n')\ *bash\  ]]; then
  python -m bash_kernel.install --sys-prefix >/dev/null
fi

echo "setup: installing JavaScript dependencies"
# node-pty (the SSH integration tests) compiles against Node's headers; yarn
# would download them, and only package registries are reachable here.
node_prefix=$(dirname "$(dirname "$(command -v node)")")
if [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir=$node_prefix
fi
jlpm install >/dev/null
echo "setup: building the extension"
jlpm build
extensions() { jupyter labextension list 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }
labextension_ok() { [[ $(extensions) =~ jupyterlab-testbed\ v[^$'\n']*enabled\ OK ]]; }
server_extensions() { jupyter server extension list 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }
server_extension_ok() {
  local listing
  listing=$(server_extensions)
  [[ $listing =~ (^|$'\n')\ *jupyterlab_testbed\ enabled &&
    $listing =~ (^|$'\n')\ *jupyterlab_testbed\ [^$'\n']*OK ]]
}
# The [server] extra of pytest-jupyter only adds packages JupyterLab already
# needs, so importing the two top-level modules is enough of a check; a venv
# made before jupyter-server-proxy became a dependency lacks that one.
test_deps_ok() { python -c "import pytest, pytest_jupyter, jupyter_server_proxy" 2>/dev/null; }
# Venvs set up before the server extension existed have the labextension
# linked but lack the test extras and the server config file, which only the
# package install places: `jupyter server extension enable` refuses a module
# that no config file names yet.
if ! labextension_ok || ! server_extension_ok || ! test_deps_ok; then
  # The extension was built just above; the install need not build it again.
  SKIP_JUPYTER_BUILDER=1 python -m pip install --quiet -e ".[test]"
  jupyter-builder develop --overwrite . >/dev/null
  if ! labextension_ok; then
    echo "setup: the extension is not enabled in JupyterLab:" >&2
    extensions >&2
    exit 1
  fi
  if ! server_extension_ok; then
    echo "setup: the server extension jupyterlab_testbed is not enabled in Jupyter Server:" >&2
    server_extensions >&2
    exit 1
  fi
  if ! test_deps_ok; then
    echo "setup: pytest and pytest-jupyter are not importable in .venv" >&2
    exit 1
  fi
fi
echo "setup: done"
