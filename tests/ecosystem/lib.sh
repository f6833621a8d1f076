# shellcheck shell=bash
# Shared by tests/ecosystem/*.sh (sourced, not run). Each check script:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   check_body() { ...; passed 'what it proved'; }   # runs with `set -euo pipefail`
#   run_check NAME check_body
#
# run_check prints ONE line (`ok NAME: what it proved (Ns)` or `FAILED NAME: ... (Ns)`), keeps the whole output in
# tests/output/ecosystem/NAME.log and shows the end of it on failure. VERBOSE=1 streams the log instead.
#
# Environment:
#   STACKOPS_DEV_CACHE   where the tool venv lives (default: ~/.cache/stackops-dev)
#   ECOSYSTEM_PYTHON     interpreter for the tool venv (default: the newest ~/.pyenv/versions/3.12.*)
#   KEEP_WORK=1          keep the scratch folder of a check (its path is in the log)

ECO_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd -- "$ECO_DIR/../.." && pwd -P)
CACHE=${STACKOPS_DEV_CACHE:-$HOME/.cache/stackops-dev}
ECO_VENV=$CACHE/ecosystem-venv
ECO_LOGS=$ROOT/tests/output/ecosystem
LOCALCLOUD=$ROOT/tests/localcloud/localcloud

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0
# Ansible must not pick up configuration or collections from the machine; each check sets
# ANSIBLE_COLLECTIONS_PATH itself.
export ANSIBLE_CONFIG=$ECO_DIR/ansible.cfg

log() { printf '%s\n' "$*" >&2; }
fail() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# ------------------------------------------------------------------ the tool venv

# pyenv's shims for 3.12 may be broken: take a real interpreter by its full path.
eco_python() {
  local candidate
  if [[ -n ${ECOSYSTEM_PYTHON:-} ]]; then
    echo "$ECOSYSTEM_PYTHON"
    return 0
  fi
  for candidate in $(compgen -G "${PYENV_ROOT:-$HOME/.pyenv}/versions/3.12.*/bin/python3.12" | sort -rV) \
    "$(command -v python3.12 || true)"; do
    if [[ -n $candidate ]] && "$candidate" -c 'import venv' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  fail 'no working python3.12 (looked in ~/.pyenv/versions/3.12.*/bin and on PATH); set ECOSYSTEM_PYTHON'
}

# Build the venv when it is missing or tests/ecosystem/requirements.txt (or the interpreter) changed.
ensure_eco_venv() {
  local python key lock_fd
  python=$(eco_python)
  key=$({ cat "$ECO_DIR/requirements.txt"; "$python" -VV; } | sha256sum | cut -c1-16)
  if [[ $(cat "$ECO_VENV/.complete" 2>/dev/null) == "$key" ]]; then
    return 0
  fi
  mkdir -p "$CACHE"
  exec {lock_fd}>"$ECO_VENV.lock"
  flock "$lock_fd"
  if [[ $(cat "$ECO_VENV/.complete" 2>/dev/null) != "$key" ]]; then
    log "building $ECO_VENV ($("$python" -V), tests/ecosystem/requirements.txt)"
    rm -rf "$ECO_VENV"
    "$python" -m venv "$ECO_VENV"
    # pip's output goes to a file: it is long, and only interesting when pip fails.
    if ! { "$ECO_VENV/bin/python" -m pip install --upgrade pip &&
      "$ECO_VENV/bin/python" -m pip install -r "$ECO_DIR/requirements.txt"; } >"$ECO_VENV.pip.log" 2>&1; then
      tail -n 30 "$ECO_VENV.pip.log" >&2
      fail "pip could not build $ECO_VENV (whole log: $ECO_VENV.pip.log)"
    fi
    echo "$key" >"$ECO_VENV/.complete"
  fi
  exec {lock_fd}>&-
}

# ------------------------------------------------------------------ scratch space and the collection

# A scratch folder per check, removed at exit unless the check failed or KEEP_WORK=1.
make_work() {
  mkdir -p "$CACHE/ecosystem-work"
  # Folders of failed runs are kept for a look, for half a day.
  find "$CACHE/ecosystem-work" -mindepth 1 -maxdepth 1 -mmin +720 -exec rm -rf {} + 2>/dev/null || true
  WORK=$(mktemp -d "$CACHE/ecosystem-work/$1-XXXXXX")
  log "scratch folder: $WORK"
}

# The collection as git sees it (tracked plus untracked-but-not-ignored files) at
# DEST/ansible_collections/stackops/compute: a real path, as ansible-test and the doc linters want.
copy_collection() {
  local dest=$1/ansible_collections/stackops/compute
  mkdir -p "$dest"
  (cd "$ROOT" && git ls-files -z -co --exclude-standard |
    rsync -a --from0 --files-from=- --ignore-missing-args ./ "$dest/")
  echo "$dest"
}

# Build the collection tarball from a clean copy and install it into DIR/collections.
# Sets TARBALL and COLLECTIONS_PATH.
build_and_install() {
  local dir=$1 copy
  copy=$(copy_collection "$dir/src")
  "$ECO_VENV/bin/ansible-galaxy" collection build --force --output-path "$dir/dist" "$copy" >&2
  TARBALL=$(compgen -G "$dir/dist/stackops-compute-*.tar.gz" | head -n 1)
  [[ -f $TARBALL ]] || fail "ansible-galaxy collection build wrote no tarball in $dir/dist"
  "$ECO_VENV/bin/ansible-galaxy" collection install --force --offline -p "$dir/collections" "$TARBALL" >&2
  COLLECTIONS_PATH=$dir/collections
  [[ -f $COLLECTIONS_PATH/ansible_collections/stackops/compute/MANIFEST.json ]] ||
    fail "the tarball did not install into $COLLECTIONS_PATH"
}

# Names of what the collection ships, read from the source tree.
collection_modules() {
  local file
  for file in "$ROOT"/plugins/modules/*.py; do
    [[ -e $file && $(basename "$file") != __init__.py ]] || continue
    basename "$file" .py
  done
}

collection_roles() {
  local dir
  for dir in "$ROOT"/roles/*/; do
    [[ -d $dir ]] || continue
    basename "$dir"
  done
}

# ------------------------------------------------------------------ the local cloud

# Fails unless the local cloud runs; then exports OS_CLIENT_CONFIG_FILE from `localcloud env`.
need_local_cloud() {
  [[ -x $LOCALCLOUD ]] || fail "$LOCALCLOUD is missing"
  if ! "$LOCALCLOUD" status >&2; then
    fail 'the local cloud is not running: start it with tests/localcloud/localcloud up (or make cloud)'
  fi
  eval "$("$LOCALCLOUD" env)"
  [[ -f ${OS_CLIENT_CONFIG_FILE:-} ]] || fail "'localcloud env' gave no readable OS_CLIENT_CONFIG_FILE"
  export OS_CLIENT_CONFIG_FILE
}

# A short unique prefix for the servers a check creates, so concurrent runs never collide.
unique_prefix() {
  echo "eco-$1-$(date +%H%M%S)-$RANDOM"
}

# ------------------------------------------------------------------ running a check

# passed TEXT: what the check proved, for its result line.
passed() {
  echo "$*" >"$RESULT_FILE"
}

run_check() {
  local name=$1 body=$2 started rc=0 took log
  mkdir -p "$ECO_LOGS"
  log=$ECO_LOGS/$name.log
  RESULT_FILE=$(mktemp)
  started=$SECONDS
  (
    set -euo pipefail
    # shellcheck disable=SC2317  # runs from the EXIT trap
    on_exit() {
      local status=$?
      trap - EXIT
      set +e
      # A check's own cleanup (servers, credentials it made) runs before its scratch folder goes.
      if declare -F cleanup >/dev/null; then cleanup || log "cleanup failed (exit $?)"; fi
      if [[ -n ${WORK:-} && -d $WORK ]]; then
        if ((status == 0)) && [[ ${KEEP_WORK:-0} != 1 ]]; then rm -rf "$WORK"; else log "kept $WORK"; fi
      fi
      exit "$status"
    }
    trap on_exit EXIT
    log "== $name: $(date -Is) in $ROOT"
    ensure_eco_venv
    export PATH=$ECO_VENV/bin:$PATH
    "$body"
  ) </dev/null >"$log" 2>&1 || rc=$?
  if [[ ${VERBOSE:-0} == 1 ]]; then cat "$log"; fi
  took=$((SECONDS - started))
  local result
  result=$(cat "$RESULT_FILE")
  rm -f "$RESULT_FILE"
  if ((rc == 0)); then
    printf 'ok %s: %s (%ss)\n' "$name" "${result:-passed}" "$took"
  else
    printf 'FAILED %s: exit %s after %ss; log %s\n' "$name" "$rc" "$took" "${log#"$ROOT"/}"
    if [[ ${VERBOSE:-0} != 1 ]]; then tail -n 40 "$log" | sed 's/^/  | /'; fi
  fi
  return "$rc"
}
