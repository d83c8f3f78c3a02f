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
#   INPUT_DEEPEN             true (default) | false: deepen a shallow clone
#                            until the change's merge base is present
#   INPUT_COMMENT            "true": add `--comment` (one PR comment kept in place)
# Other environment:
#   AEEF_BIN                 a prebuilt aeef; skips download and build
#   AEEF_RELEASE_REPOSITORY  owner/name whose releases hold the binaries
#                            (default: the action's repository, else aeef/aeef)
#   AEEF_RELEASE_BASE_URL    base URL of the release downloads (tests point
#                            it at file://; default: GitHub releases)
#   AEEF_REMOTE              remote to fetch notes and history from
#                            (default: origin, as actions/checkout names it)
#   AEEF_DEEPEN_START        commits of the first deepening step (default 32;
#                            each further step doubles)
#   AEEF_DEEPEN_LIMIT        most commits to deepen by in all (default 4096)
#
# Before the gate (DESIGN §9): the notes refs aeef reads are fetched
# (actions/checkout fetches no refs/notes/*; a ref the remote lacks is not
# an error), and in a pull request a shallow clone is deepened, bounded,
# until the merge base of base and head is present.
#
# Exit codes: aeef's own (0 pass, 1 fail, 2 could not decide); 2 when aeef
# cannot be obtained, AEEF_REMOTE names a remote that does not exist, or the
# notes or the history cannot be fetched. Every exit 2 writes
# `verdict=error` to $GITHUB_OUTPUT.
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
  # Every exit 2 of the script is a verdict too (issue 13): a step that
  # stops before the gate still tells later steps `verdict=error`, never
  # an empty output. (Also from a command substitution: it appends.)
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "verdict=error" >>"$GITHUB_OUTPUT" || true
  fi
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

# ---- The history the gate reads (DESIGN §9) --------------------------------

# The notes refs aeef reads: git-ai's `refs/notes/ai` (aeef::git::NOTES_REF;
# tests/action_history.rs holds this list to the code). aeef reads no other notes
# ref and `.aeef.yml` configures none.
AEEF_NOTES_REFS=(refs/notes/ai)

say() {
  echo "aeef action: $1" >&2
}

# A full commit id (SHA-1 or SHA-256). Only such ids are ever passed to
# `git fetch`: a name from the `args` input could read as an option.
is_commit_id() {
  [[ "$1" =~ ^[0-9a-f]{40}([0-9a-f]{24})?$ ]]
}

have_commit() {
  git cat-file -e "$1^{commit}" 2>/dev/null
}

# Fetches the notes refs the remote has, mirroring them (`+`: the remote's
# notes are the truth in CI). A ref the remote lacks is skipped; a remote
# that cannot be read is an error, since the gate would then count AI lines
# known from notes as human.
fetch_notes() {
  local remote=$1 listed ref specs=()
  if ! listed=$(git ls-remote --refs "$remote" "${AEEF_NOTES_REFS[@]}" 2>&1); then
    # git's own words help (authentication, network), but a URL may carry
    # credentials: `scheme://user:secret@host` loses its user part.
    listed=$(printf '%s' "$listed" | sed -E 's#://[^/@[:space:]]+@#://***@#g')
    fail "could not list the notes refs of remote '$remote' (actions/checkout's persisted credentials are needed for a private repository): $listed"
  fi
  for ref in "${AEEF_NOTES_REFS[@]}"; do
    if printf '%s\n' "$listed" | cut -f2 | grep -qxF "$ref"; then
      specs+=("+$ref:$ref")
    else
      say "remote '$remote' has no $ref; nothing to fetch"
    fi
  done
  [ ${#specs[@]} -gt 0 ] || return 0
  git fetch --quiet --no-tags "$remote" "${specs[@]}" >&2 \
    || fail "could not fetch ${specs[*]} from remote '$remote'"
  say "fetched ${specs[*]#+} from '$remote'"
}

# The change's base and head as `aeef gate` takes them: `--base`/`--head`
# in the args input, else the pull_request payload at GITHUB_EVENT_PATH.
# Prints two lines (either may be empty); names in args are resolved here.
change_endpoints() {
  local base="" head="" i=0 word next
  while [ $i -lt ${#args[@]} ]; do
    word=${args[$i]}
    next=${args[$((i + 1))]:-}
    case "$word" in
      --base) base=$next ;;
      --base=*) base=${word#--base=} ;;
      --head) head=$next ;;
      --head=*) head=${word#--head=} ;;
    esac
    i=$((i + 1))
  done
  if [ -z "$base$head" ] && [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
    local pair=""
    if command -v jq >/dev/null 2>&1; then
      pair=$(jq -r '(.pull_request.base.sha // ""), (.pull_request.head.sha // "")' \
        "$GITHUB_EVENT_PATH" 2>/dev/null) || pair=""
    elif command -v python3 >/dev/null 2>&1; then
      pair=$(python3 -c 'import json, sys
pr = json.load(open(sys.argv[1])).get("pull_request") or {}
for k in ("base", "head"):
    print(((pr.get(k) or {}).get("sha")) or "")' "$GITHUB_EVENT_PATH" 2>/dev/null) || pair=""
    else
      say "neither jq nor python3 reads the event payload; the history is not deepened"
    fi
    base=$(printf '%s\n' "$pair" | sed -n 1p)
    head=$(printf '%s\n' "$pair" | sed -n 2p)
  fi
  # A name (`origin/main`) is resolved locally; what does not resolve and is
  # not a commit id cannot be fetched safely and is left to the gate.
  local v out=()
  for v in "$base" "$head"; do
    if [ -n "$v" ] && ! is_commit_id "$v"; then
      v=$(git rev-parse --verify --quiet --end-of-options "$v^{commit}" 2>/dev/null) || v=""
    fi
    out+=("$v")
  done
  printf '%s\n%s\n' "${out[0]}" "${out[1]}"
}

# True when the gate finds what it needs: both commits, their merge base,
# and no commit of base..head (but head) cut off by the shallow boundary.
history_ready() {
  local base=$1 head=$2 shallow
  have_commit "$base" && have_commit "$head" || return 1
  git merge-base "$base" "$head" >/dev/null 2>&1 || return 1
  shallow=$(git rev-parse --git-path shallow)
  [ -s "$shallow" ] || return 0
  ! git rev-list "$base..$head" | grep -vxF "$head" | grep -qxFf "$shallow"
}

is_shallow() {
  [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]
}

# Deepens a shallow clone until history_ready: the missing endpoints at
# depth 1, then `git fetch --deepen` in doubling steps up to
# AEEF_DEEPEN_LIMIT commits in all. Exit 2 when fetching fails or the limit
# is reached; a clone that became complete without a merge base is left to
# the gate (it names unrelated histories itself).
deepen_history() {
  local remote=$1 base=$2 head=$3
  local step=${AEEF_DEEPEN_START:-32} limit=${AEEF_DEEPEN_LIMIT:-4096} total=0 n
  [[ "$step" =~ ^[1-9][0-9]*$ ]] || fail "AEEF_DEEPEN_START must be a positive number"
  [[ "$limit" =~ ^[0-9]+$ ]] || fail "AEEF_DEEPEN_LIMIT must be a number"
  history_ready "$base" "$head" && return 0
  local missing=() sha
  for sha in "$base" "$head"; do
    have_commit "$sha" || missing+=("$sha")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local depth=()
    is_shallow && depth=(--depth=1)
    git fetch --quiet --no-tags ${depth[@]+"${depth[@]}"} "$remote" "${missing[@]}" >&2 \
      || fail "could not fetch commit(s) ${missing[*]} of the change from remote '$remote'; set 'fetch-depth: 0' on actions/checkout"
  fi
  local hint="set 'fetch-depth: 0' on actions/checkout (the full history), or 'deepen: false' on this action to fetch the history yourself"
  while ! history_ready "$base" "$head"; do
    is_shallow || return 0
    [ "$total" -lt "$limit" ] \
      || fail "the merge base of ${base:0:12} and ${head:0:12} is not within $total commits of this shallow clone (the limit); $hint"
    n=$step
    [ $((total + n)) -le "$limit" ] || n=$((limit - total))
    git fetch --quiet --no-tags --deepen="$n" "$remote" "$base" "$head" >&2 \
      || fail "git fetch --deepen=$n from remote '$remote' failed; $hint"
    total=$((total + n))
    step=$((step * 2))
  done
  [ "$total" -eq 0 ] || say "deepened the shallow clone by $total commits to the merge base of ${base:0:12} and ${head:0:12}"
}

# Runs in the working directory, before the gate.
prepare_history() {
  local deepen
  deepen=$(printf '%s' "${INPUT_DEEPEN:-true}" | tr 'A-Z' 'a-z')
  case "$deepen" in
    true | false) ;;
    *) fail "deepen must be true or false, not '${INPUT_DEEPEN:-}'" ;;
  esac
  # Not a repository: the gate says so itself.
  git rev-parse --git-dir >/dev/null 2>&1 || return 0
  local remote=${AEEF_REMOTE:-origin}
  if ! git remote get-url "$remote" >/dev/null 2>&1; then
    # A remote named on purpose that does not exist is a misconfiguration:
    # going on would count AI lines known from its notes as human (fail
    # closed, as for a remote that cannot be read). Only the default
    # `origin` may be absent (a local run of the script).
    [ -z "${AEEF_REMOTE:-}" ] \
      || fail "AEEF_REMOTE names remote '$AEEF_REMOTE', which this repository does not have (its remotes: $(git remote | tr '\n' ' ')); name an existing remote or unset AEEF_REMOTE for 'origin'"
    say "no remote '$remote': notes and history are used as they are"
    return 0
  fi
  fetch_notes "$remote"
  [ "$deepen" = true ] || return 0
  local ends base head
  ends=$(change_endpoints)
  base=$(printf '%s\n' "$ends" | sed -n 1p)
  head=$(printf '%s\n' "$ends" | sed -n 2p)
  if [ -z "$base" ] || [ -z "$head" ]; then
    return 0
  fi
  deepen_history "$remote" "$base" "$head"
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

prepare_history

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
