#!/usr/bin/env bash
# precis developer entry point. Every command installs what it needs on a fresh Debian 12 machine.
#   ./dev.sh demo    score examples/data/articles.jsonl and biographies.jsonl, print the tables
#   ./dev.sh test    build, then run the GoogleTest suite (ctest) and the Python tests (pytest)
#   ./dev.sh build   configure and build into build/
#   ./dev.sh bench   run the C++ benchmarks and the Python throughput script
#   ./dev.sh deps    install the Debian packages only
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
PY=/usr/bin/python3   # Debian's interpreter: the pyenv one first on PATH sees no Debian package
BUILD=${PRECIS_BUILD_DIR:-$ROOT/build}
JOBS=${PRECIS_JOBS:-$(nproc)}

PACKAGES=(cmake ninja-build g++ googletest libgtest-dev libbenchmark-dev libicu-dev python3-dev
  libeigen3-dev nlohmann-json3-dev libboost-locale-dev pybind11-dev python3-pybind11
  libstemmer-dev libcli11-dev python3-numpy python3-pytest python3-pandas python3-pip
  python3-venv python3-setuptools libsqlite3-dev python3-nbclient python3-nbformat
  python3-ipykernel python3-distributed)

deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ] || [ "${PRECIS_FORCE_APT:-0}" = 1 ]; then
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update
    $sudo apt-get install -y -o DPkg::Lock::Timeout=600 "${PACKAGES[@]}"
  fi
}

build() {
  deps
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DPython3_EXECUTABLE="$PY" >/dev/null
  cmake --build "$BUILD" -j "$JOBS"
}

case "${1:-}" in
  deps) deps ;;
  build) build ;;
  demo)
    build
    "$BUILD/src/cli/precis" score "$ROOT/examples/data/articles.jsonl" --stem \
      --metrics rouge1,rouge2,rougeL,rougeLsum,bleu,chrf,relevance,faithfulness,conciseness \
      --output "$BUILD/demo-results.jsonl"
    echo "per-record results written to $BUILD/demo-results.jsonl"
    echo
    echo "biographies from posts, with cited sources (examples/data/biographies.jsonl):"
    "$BUILD/src/cli/precis" score "$ROOT/examples/data/biographies.jsonl" --source-field sources \
      --metrics relevance,faithfulness,conciseness,citations \
      --output "$BUILD/demo-biographies.jsonl"
    echo "per-record results written to $BUILD/demo-biographies.jsonl"
    ;;
  test)
    build
    ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS"
    PYTHONPATH="$BUILD/python" PRECIS_CLI="$BUILD/src/cli/precis" "$PY" -m pytest -q "$ROOT/tests/python"
    ;;
  bench)
    build
    for b in "$BUILD"/benchmarks/bench_*; do "$b" --benchmark_min_time=0.2; done
    PYTHONPATH="$BUILD/python" "$PY" "$ROOT/benchmarks/throughput.py"
    ;;
  *)
    sed -n '2,8p' "$0"
    exit 2
    ;;
esac
