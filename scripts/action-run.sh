#!/usr/bin/env bash
# Run step of the composite action (action.yml): find aeef, run `aeef gate`,
# pass its exit code through.
#
# Inputs arrive as INPUT_* environment variables, never interpolated into
# this text, so no input can inject shell code.
#   INPUT_VERSION            release to download ("0.3.1" or "v0.3.1");
#                            empty = build from the action's own source
#   INPUT_ARGS               extra arguments for `aeef gate` (split like a
#                            shell would split words and quotes, never run)
#   INPUT_FAIL_ON            overdue | unverified
#   INPUT_FORMAT             github | human | json | sarif | markdown
#   INPUT_WORKING_DIRECTORY  directory to run in (default: .)
#   INPUT_GITHUB_TOKEN       passed as GITHUB_TOKEN to aeef only (not to curl or cargo)
#   INPUT_OUTPUT             optional file that receives aeef's stdout
#   INPUT_COMMENT            "true": add `--comment` (one PR comment kept in place)
# Other environment:
#   AEEF_BIN                 a prebuilt aeef; skips download and build
#   AEEF_RELEASE_REPOSITORY  owner/name whose releases hold the binaries
#                            (default: the action's repository, else aeef/aeef)
#   AEEF_RELEASE_BASE_URL    base URL of the release downloads (tests point
#                            it at file://; default: GitHub releases)
#
# Exit codes: aeef's own (0 pass, 1 fail, 2 could not decide); 2 when aeef
# cannot be obtained.
set -euo pipefail

fail() {
  # `::error::` shows up on the run page; the message carries no user input
  # that could form a workflow command of its own (newlines are escaped).
  local msg=${1//'%'/'%25'}
  msg=${msg//$'\r'/'%0D'}
  msg=${msg//$'\n'/'%0A'}
  # stderr: the runner reads workflow commands there too, and stdout may be
  # a command substitution.
  echo "::error title=aeef action::$msg" >&2
  exit 2
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    fail "neither sha256sum nor shasum is available to verify the download"
  fi
}

# The release target triple for this runner, named as release.yml names
# its archives.
release_target() {
  local os arch
  os=${RUNNER_OS:-$(uname -s)}
  arch=${RUNNER_ARCH:-$(uname -m)}
  case "$os" in
    Linux) os=unknown-linux-musl ;;
    macOS | Darwin) os=apple-darwin ;;
    *) fail "no aeef release for runner OS '$os'; leave 'version' empty to build from source" ;;
  esac
  case "$arch" in
    X64 | x86_64 | amd64) arch=x86_64 ;;
    ARM64 | arm64 | aarch64) arch=aarch64 ;;
    *) fail "no aeef release for runner architecture '$arch'; leave 'version' empty to build from source" ;;
  esac
  echo "$arch-$os"
}

download_release() {
  local version=$1 tag target repo base name dir tmp expected actual
  case "$version" in
    v*) tag=$version ;;
    *) tag=v$version ;;
  esac
  [[ "$tag" =~ ^v[0-9A-Za-z.+-]+$ ]] || fail "version '$version' is not a release version like 0.3.1"
  target=$(release_target)
  repo=${AEEF_RELEASE_REPOSITORY:-${GITHUB_ACTION_REPOSITORY:-}}
  repo=${repo:-aeef/aeef}
  base=${AEEF_RELEASE_BASE_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}
  name=aeef-$target.tar.gz
  # Reuse a binary only from the runner's own per-job RUNNER_TEMP: one found
  # in a shared /tmp could have been planted by another user.
  if [ -n "${RUNNER_TEMP:-}" ]; then
    dir=$RUNNER_TEMP/aeef-$tag-$target
    if [ -x "$dir/aeef" ]; then
      echo "$dir/aeef"
      return
    fi
  else
    dir=$(mktemp -d)/aeef-$tag-$target
  fi
  tmp=$(mktemp -d)
  curl -fsSL --retry 3 -o "$tmp/$name" "$base/$tag/$name" >&2 \
    || fail "could not download $base/$tag/$name"
  curl -fsSL --retry 3 -o "$tmp/$name.sha256" "$base/$tag/$name.sha256" >&2 \
    || fail "could not download $base/$tag/$name.sha256"
  expected=$(cut -d' ' -f1 <"$tmp/$name.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')
  actual=$(sha256_of "$tmp/$name")
  [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "$name.sha256 does not hold a SHA-256"
  [ "$expected" = "$actual" ] \
    || fail "SHA-256 mismatch for $name: expected $expected, got $actual"
  mkdir -p "$tmp/x"
  tar -xzf "$tmp/$name" -C "$tmp/x" aeef || fail "$name holds no aeef binary"
  mkdir -p "$dir"
  mv "$tmp/x/aeef" "$dir/aeef"
  chmod +x "$dir/aeef"
  rm -rf "$tmp"
  echo "$dir/aeef"
}

build_from_source() {
  local src=${GITHUB_ACTION_PATH:-}
  local root=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/aeef-source
  [ -n "$src" ] || fail "GITHUB_ACTION_PATH is not set; cannot build aeef from the action's source"
  command -v cargo >/dev/null 2>&1 \
    || fail "cargo is not installed; set the 'version' input to download a release instead"
  cargo install --locked --quiet --path "$src" --root "$root" >&2 \
    || fail "cargo install of aeef from $src failed"
  echo "$root/bin/aeef"
}

# The token is for aeef alone: keep it out of the environment of curl and
# of `cargo install`, which runs every dependency's build script.
token=${INPUT_GITHUB_TOKEN:-}
unset INPUT_GITHUB_TOKEN GITHUB_TOKEN

if [ -n "${AEEF_BIN:-}" ]; then
  bin=$AEEF_BIN
  [ -x "$bin" ] || fail "AEEF_BIN=$bin is not an executable file"
elif [ -n "${INPUT_VERSION:-}" ]; then
  bin=$(download_release "$INPUT_VERSION")
else
  bin=$(build_from_source)
fi

# Split INPUT_ARGS into words the way a shell reads quotes and backslashes,
# without expanding or running anything: xargs parses, printf NUL-separates.
args=()
if [ -n "${INPUT_ARGS//[[:space:]]/}" ]; then
  split=$(mktemp)
  printf '%s' "$INPUT_ARGS" | xargs printf '%s\0' >"$split" \
    || fail "could not split the 'args' input (unbalanced quotes?)"
  while IFS= read -r -d '' word; do
    args+=("$word")
  done <"$split"
  rm -f "$split"
fi

cd "${INPUT_WORKING_DIRECTORY:-.}" || fail "working-directory '${INPUT_WORKING_DIRECTORY:-}' does not exist"

cmd=("$bin" gate --format "${INPUT_FORMAT:-github}" --fail-on "${INPUT_FAIL_ON:-overdue}")
case "${INPUT_COMMENT:-false}" in
  true | TRUE | True) cmd+=(--comment) ;;
  false | FALSE | False | "") ;;
  *) fail "the 'comment' input must be true or false, not '${INPUT_COMMENT}'" ;;
esac
# `${args[@]+…}`: an empty array under `set -u` is an error in bash < 4.4
# (macOS ships 3.2).
cmd+=(${args[@]+"${args[@]}"})

# An output file that cannot be written is an environment error (exit 2),
# not a gate verdict: open it before aeef runs.
if [ -n "${INPUT_OUTPUT:-}" ]; then
  exec 3>"$INPUT_OUTPUT" || fail "cannot write the output file '$INPUT_OUTPUT'"
else
  exec 3>&1
fi

set +e
if [ -n "$token" ]; then
  GITHUB_TOKEN=$token "${cmd[@]}" >&3
else
  "${cmd[@]}" >&3
fi
code=$?
set -e
exec 3>&-

# `--format github` writes verdict/errors/warnings itself; other formats
# still get a verdict output from the exit code.
if [ -n "${GITHUB_OUTPUT:-}" ] && [ "${INPUT_FORMAT:-github}" != github ]; then
  case $code in
    0) echo "verdict=pass" >>"$GITHUB_OUTPUT" ;;
    1) echo "verdict=fail" >>"$GITHUB_OUTPUT" ;;
    *) echo "verdict=error" >>"$GITHUB_OUTPUT" ;;
  esac
fi
exit "$code"
