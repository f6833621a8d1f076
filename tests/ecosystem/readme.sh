#!/usr/bin/env bash
# The README's examples, as written, against the local cloud: the code blocks marked for this check (an
# HTML comment above the fence, see readme_examples.py) run in their order in one shell that starts
# without OS_CLOUD or OS_CLIENT_CONFIG_FILE - the `eval "$(tests/run-tests env)"` line, the play
# (with ansible-playbook), the ad hoc lines. Two things differ from a reader's shell, so that runs from
# several checkouts at once neither collide nor test another checkout's code: the server is named
# eco-readme-... instead of web1, and after the env line the collection comes from this checkout's
# tarball instead of the one `make demo` installed. Needs the local cloud running.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

SERVER=''
# shellcheck disable=SC2016  # the README's line, word for word: nothing to expand here
ENV_LINE='eval "$(tests/run-tests env)"'

# The examples delete their server; this catches what a failed example left behind.
cleanup() {
  [[ -n $SERVER ]] || return 0
  "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" delete-servers local "$SERVER" >&2
}

# The script that runs the examples: each sh block's lines, each play with ansible-playbook.
write_script() {
  local script=$1 file
  shift
  {
    echo 'set -euo pipefail -x'
    printf 'cd %q\n' "$ROOT"
    for file in "$@"; do
      case $file in
        *.sh)
          sed "s/\bweb1\b/$SERVER/g" "$file"
          # The env line is the README's; the collection under test is this checkout's.
          if grep -qxF "$ENV_LINE" "$file"; then
            printf 'export ANSIBLE_COLLECTIONS_PATH=%q\n' "$COLLECTIONS_PATH"
          fi
          ;;
        *.yml)
          sed "s/\bweb1\b/$SERVER/g" "$file" >"${file%.yml}.play.yml"
          printf 'ansible-playbook %q\n' "${file%.yml}.play.yml"
          ;;
      esac
    done
  } >"$script"
}

readme_body() {
  local -a files
  need_local_cloud
  make_work readme
  build_and_install "$WORK"
  SERVER=$(unique_prefix readme)
  mkdir -p "$WORK/examples"
  mapfile -t files < <(python3 "$ECO_DIR/readme_examples.py" "$ROOT/README.md" "$WORK/examples")
  grep -qxF "$ENV_LINE" "${files[@]}" || fail "README.md has no marked block with the line $ENV_LINE"
  write_script "$WORK/examples/run.sh" "${files[@]}"
  log '== the README examples, as run:'
  cat "$WORK/examples/run.sh" >&2
  log '=='
  # A shell like a newcomer's: nothing of the check's own environment chooses the cloud or finds ansible.
  env -u OS_CLOUD -u OS_CLIENT_CONFIG_FILE -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_CONFIG PATH="$ORIGINAL_PATH" \
    bash "$WORK/examples/run.sh" >"$WORK/examples/run.log" 2>&1 || {
    cat "$WORK/examples/run.log" >&2
    fail 'a README example failed (output above)'
  }
  cat "$WORK/examples/run.log" >&2
  grep -q "^localhost | CHANGED => " "$WORK/examples/run.log" || fail 'no ad hoc line changed anything'
  grep -qE '^localhost +: ok=[0-9]+ +changed=[0-9]+ +unreachable=0 +failed=0' "$WORK/examples/run.log" ||
    fail "the README's play did not end with failed=0"
  passed "README.md's examples: $((${#files[@]})) blocks, $(grep -c '^+ ansible' "$WORK/examples/run.log") ansible commands"
}

# run_check puts the tool venv first on PATH; the examples must find ansible through the README's env line.
ORIGINAL_PATH=$PATH
run_check readme readme_body
