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
python -m pip install --quiet "jupyterlab>=4.6,<4.7" "bash_kernel>=0.10" "jupyter-builder>=1.2,<2"
# Outputs are captured before matching: `cmd | grep -q` fails under
# pipefail when grep stops reading early.
if [[ ! $(jupyter kernelspec list 2>/dev/null) =~ (^|$'\n')\ *bash\  ]]; then
  python -m bash_kernel.install --sys-prefix >/dev/null
fi

echo "setup: installing JavaScript dependencies"
jlpm install >/dev/null
echo "setup: building the extension"
jlpm build
extensions() { jupyter labextension list 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }
if [[ ! $(extensions) =~ jupyterlab-testbed\ v[^$'\n']*enabled\ OK ]]; then
  python -m pip install --quiet -e .
  jupyter-builder develop --overwrite . >/dev/null
fi
if [[ ! $(extensions) =~ jupyterlab-testbed\ v[^$'\n']*enabled\ OK ]]; then
  echo "setup: the extension is not enabled in JupyterLab:" >&2
  extensions >&2
  exit 1
fi
echo "setup: done"
