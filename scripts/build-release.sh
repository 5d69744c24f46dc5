#!/usr/bin/env bash
# Builds the release artifacts into dist/ (emptied first), from a clone with
# Node.js 20 and Python 3.9 or later:
#   jupyterlab_testbed-<v>-py3-none-any.whl   the extension for pip, prebuilt
#   jupyterlab_testbed-<v>.tar.gz             its sdist (the wheel is built from it)
#   jupyterlab-testbed-<v>.tgz                the labextension's npm package
#   jupyterlab-testbed-cli-<v>.tgz            the command lines (no dependencies)
# All four carry package.json's version. Python's `build` comes from .venv
# when it has it, else from a throw-away venv; the build itself runs in
# build's isolated environment and installs the JavaScript dependencies when
# node_modules/ is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "build-release: Node.js (20 or later, with npm) is needed." >&2
  exit 1
fi
python=python3
if [ -x .venv/bin/python ]; then
  python=.venv/bin/python
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! "$python" -c "import build" 2>/dev/null; then
  echo "build-release: installing Python's build into a throw-away venv"
  python3 -m venv "$work/venv"
  "$work/venv/bin/python" -m pip install --quiet build
  python=$work/venv/bin/python
fi

# The build runs `jlpm install` first. node-pty (a test dependency) compiles
# against Node's headers, which yarn would download (see setup.sh).
node_prefix=$(dirname "$(dirname "$(command -v node)")")
if [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir=$node_prefix
fi

version=$(node -p "require('./package.json').version")
# What `jlpm clean:all` removes, without needing node_modules/: the build
# skips the extension when it finds one, and a development build or stale
# compiled files must not be released.
rm -rf dist lib lib-cli tsconfig.tsbuildinfo jupyterlab_testbed/labextension \
  jupyterlab_testbed/_version.py
start=$SECONDS
# The sdist, then the wheel from the sdist: what a source install from PyPI
# does. The hatch hook runs `jlpm build:prod` (clean, extension, lib-cli/).
"$python" -m build --outdir dist . >"$work/build.log" 2>&1 || {
  tail -n 40 "$work/build.log" >&2
  echo "build-release: python -m build failed (log above)" >&2
  exit 1
}
npm pack --silent --pack-destination dist . >/dev/null
npm pack --silent --pack-destination dist ./lib-cli >/dev/null

missing=0
for artifact in "jupyterlab_testbed-$version-py3-none-any.whl" \
  "jupyterlab_testbed-$version.tar.gz" "jupyterlab-testbed-$version.tgz" \
  "jupyterlab-testbed-cli-$version.tgz"; do
  if [ ! -f "dist/$artifact" ]; then
    echo "build-release: dist/$artifact was not written" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1

# What each artifact must and must not hold.
"$python" - "$version" <<'PYTHON' || exit 1
import sys
import tarfile
import zipfile

version = sys.argv[1]
data = f"jupyterlab_testbed-{version}.data/data/"
labext = f"{data}share/jupyter/labextensions/jupyterlab-testbed/"
expected = {
    f"dist/jupyterlab_testbed-{version}-py3-none-any.whl": [
        "jupyterlab_testbed/__init__.py",
        "jupyterlab_testbed/_version.py",
        f"{labext}package.json",
        f"{labext}install.json",
        f"{labext}static/remoteEntry.",
        # The chunks author mode and grading download on first use.
        f"{labext}static/testbed-authoring.",
        f"{labext}static/testbed-grading.",
        f"{labext}schemas/jupyterlab-testbed/placeholders.json",
        f"{data}etc/jupyter/jupyter_server_config.d/jupyterlab_testbed.json",
    ],
    f"dist/jupyterlab-testbed-{version}.tgz": [
        "package/lib/index.js",
        "package/schema/placeholders.json",
        "package/style/index.css",
    ],
    f"dist/jupyterlab-testbed-cli-{version}.tgz": [
        "package/node/cli/grade.js",
        "package/node/cli/check.js",
        "package/README.md",
    ],
}
# Tests, dependencies, development builds and, outside its own package, the
# command lines' Node.js-only code.
junk = ["/tests/", "node_modules/", ".venv/", "lib-cli/", "/cli/", "/node/", ".map"]
problems = []
for artifact, needed in expected.items():
    if artifact.endswith(".whl"):
        names = zipfile.ZipFile(artifact).namelist()
    else:
        names = tarfile.open(artifact).getnames()
    for prefix in needed:
        if not any(name.startswith(prefix) for name in names):
            problems.append(f"{artifact} lacks {prefix}")
    allowed = ["/cli/", "/node/"] if "-cli-" in artifact else []
    for name in names:
        for part in junk:
            if part in f"/{name}" and part not in allowed:
                problems.append(f"{artifact} holds {name}")
for problem in problems:
    print(f"build-release: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
PYTHON
echo "build-release: $version in $((SECONDS - start)) s"
ls -l dist
