# Shared by tools/run, tools/test and tools/bench/run: install what is
# missing from Debian's packages, then configure and build into build/.
# Sourced, not run. Needs root (or sudo) only when something is missing.

KMSLAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="$KMSLAB_ROOT/build"

# The Debian packages the build needs, with a file each one provides.
BUILD_PACKAGES=(
  "g++:/usr/bin/g++"
  "meson:/usr/bin/meson"
  "ninja-build:/usr/bin/ninja"
  "pkg-config:/usr/bin/pkg-config"
  "libcpp-httplib-dev:/usr/include/httplib.h"
  "libssl-dev:/usr/include/openssl/evp.h"
  "libsqlite3-dev:/usr/include/sqlite3.h"
  "rapidjson-dev:/usr/include/rapidjson/document.h"
  "doctest-dev:/usr/include/doctest/doctest.h"
  "libcli11-dev:/usr/include/CLI/CLI.hpp"
)

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "kmslab: installing Debian packages: $*" >&2
  if [ -z "${KMSLAB_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq >&2
    KMSLAB_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

# Installs each "package:file" whose file is missing.
ensure_packages() {
  local missing=() entry
  for entry in "$@"; do
    [ -e "${entry#*:}" ] || missing+=("${entry%%:*}")
  done
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

# clang with its sanitizer and libFuzzer runtimes, for the sanitized build.
CLANG_PACKAGES=(
  "clang:/usr/bin/clang++"
  "libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/$(ls /usr/lib/llvm-14/lib/clang 2>/dev/null | head -1)/lib/linux/libclang_rt.fuzzer-x86_64.a"
)

# Configures DIR (once) as a clang build under AddressSanitizer and
# UndefinedBehaviorSanitizer with warnings as errors and line tables (file and
# line in every report, at a fraction of full debug information's compile
# time); further arguments are
# meson options, applied to an existing DIR too. The caller runs ninja.
configure_sanitized() {
  local dir=$1
  shift
  ensure_packages "${BUILD_PACKAGES[@]}" "${CLANG_PACKAGES[@]}"
  if [ ! -f "$dir/build.ninja" ]; then
    local launcher=""
    command -v ccache >/dev/null && launcher="ccache "
    CC="${launcher}clang" CXX="${launcher}clang++" meson setup "$dir" "$KMSLAB_ROOT" -Dwerror=true -Db_sanitize=address,undefined \
      -Db_lundef=false -Dcpp_args=-gline-tables-only "$@" >&2
  elif [ $# -gt 0 ]; then
    meson configure "$dir" "$@" >&2
  fi
}

# Configures build/ (once, warnings as errors) and builds the ninja targets
# given (tools/run: only the server), or everything.
build_kmslab() {
  ensure_packages "${BUILD_PACKAGES[@]}"
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    meson setup "$BUILD_DIR" "$KMSLAB_ROOT" -Dwerror=true >&2
  fi
  ninja -C "$BUILD_DIR" "$@" >&2
}

# Makes sure node and npm are on PATH (else Debian's nodejs and npm) and that
# tests/e2e/js has its locked packages (the AWS SDK for JavaScript v3 and the
# AWS Encryption SDK for JavaScript): `npm ci` when node_modules is missing or
# older than package-lock.json.
ensure_js_clients() {
  command -v node >/dev/null || ensure_packages "nodejs:/usr/bin/node"
  command -v npm >/dev/null || ensure_packages "npm:/usr/bin/npm"
  local js="$KMSLAB_ROOT/tests/e2e/js"
  if [ ! -d "$js/node_modules" ] || [ "$js/package-lock.json" -nt "$js/node_modules" ]; then
    echo "kmslab: npm ci in tests/e2e/js" >&2
    (cd "$js" && npm ci --no-audit --no-fund >&2)
    touch "$js/node_modules"
  fi
}

# Sets PYTHON to a python3 that has boto3 and cryptography (the tests check
# signatures and ciphertexts with it; the newest client present wins: the
# first python3 on PATH, else Debian's python3-boto3 and python3-cryptography),
# installs Debian's aws CLI v2 (/usr/bin/aws; the first aws on PATH, v1 where
# the image has it, runs the whole suite, v2 its CLI tests), and sets up the
# JavaScript clients (ensure_js_clients).
ensure_clients() {
  PYTHON=""
  if command -v python3 >/dev/null && python3 -c 'import boto3, cryptography' 2>/dev/null; then
    PYTHON=$(command -v python3)
  else
    ensure_packages "python3-boto3:/usr/lib/python3/dist-packages/boto3/__init__.py" \
      "python3-cryptography:/usr/lib/python3/dist-packages/cryptography/__init__.py"
    PYTHON=/usr/bin/python3
  fi
  ensure_packages "awscli:/usr/bin/aws"
  ensure_js_clients
  export PYTHON
}

# "PASSED FAILED" from the last "N passed, N failed" line of the log file $1;
# no such line counts as one failure.
counts_of() {
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1 || true)
  echo "${line:-0 passed, 1 failed}" | awk '{print $1, $3}'
}

# "OK FAILED" of the `meson test` summary in the log file $1 (failures,
# unexpected passes and timeouts count as failed).
meson_counts_of() {
  awk '/^Ok:/ {ok=$2} /^Fail:/ {s+=$2} /^Unexpected Pass:/ {s+=$3} /^Timeout:/ {s+=$2} END {print ok+0, s+0}' "$1"
}
