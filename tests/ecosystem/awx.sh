#!/usr/bin/env bash
# Run a job the way AWX / Automation Controller runs it, against the local cloud:
# ansible-runner with a private data dir (project/, inventory/, env/envvars, env/extravars), the collection
# from its release tarball, and the credential injected as AWX's OpenStack credential injects it - a
# clouds.yaml holding one cloud named `devstack`, at a temporary name in the private data dir, pointed to by
# OS_CLIENT_CONFIG_FILE - and no `cloud` option in any task. Then the same job again with a keystone
# application credential (auth_type v3applicationcredential), which is deleted afterwards.
# Needs the local cloud running (tests/localcloud/localcloud up).
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

APPCRED_NAME=''
PREFIX=''

# The jobs delete their servers themselves; this catches what a job that died half-way left behind.
cleanup() {
  if [[ -n $APPCRED_NAME ]]; then
    OS_CLIENT_CONFIG_FILE=$LOCAL_CLOUDS "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" \
      appcred-delete local "$APPCRED_NAME" >&2
  fi
  if [[ -n $PREFIX ]]; then
    OS_CLIENT_CONFIG_FILE=$LOCAL_CLOUDS "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" \
      delete-servers local "$PREFIX" >&2
  fi
}

# make_private_data_dir DIR CLOUDS_WRITER...: a private data dir like the one AWX hands to ansible-runner.
make_private_data_dir() {
  local pdd=$1 server_name=$2 clouds_file
  shift 2
  mkdir -p "$pdd/env" "$pdd/inventory"
  cp -r "$ECO_DIR/awx/project" "$pdd/project"
  clouds_file=$(mktemp "$pdd/tmpXXXXXXXX")
  "$@" "$clouds_file"
  chmod 600 "$clouds_file"
  # The inventory of a job template that targets the controller itself.
  cat >"$pdd/inventory/hosts" <<EOF
localhost ansible_connection=local ansible_python_interpreter=$ECO_VENV/bin/python
EOF
  cat >"$pdd/env/envvars" <<EOF
---
OS_CLIENT_CONFIG_FILE: $clouds_file
ANSIBLE_COLLECTIONS_PATH: $COLLECTIONS_PATH
ANSIBLE_CONFIG: $ANSIBLE_CONFIG
EOF
  # A survey's answers arrive as extra variables.
  cat >"$pdd/env/extravars" <<EOF
---
server_name: $server_name
server_action: stop
expected_status: SHUTOFF
EOF
  log "private data dir $pdd; clouds.yaml:"
  sed -E 's/(password|secret): .*/\1: <masked>/' "$clouds_file" >&2
}

# run_job DIR IDENT: ansible-runner run, as AWX does; true when the job's status is `successful`.
run_job() {
  local pdd=$1 ident=$2 status
  log "\$ ansible-runner run $pdd -p playbook.yml --ident $ident"
  # Nothing of the caller's OpenStack environment reaches the job: only what the private data dir says.
  env -u OS_CLIENT_CONFIG_FILE -u OS_CLOUD ansible-runner run "$pdd" -p playbook.yml --ident "$ident" >&2 || true
  status=$(cat "$pdd/artifacts/$ident/status" 2>/dev/null || echo missing)
  log "job $ident: status $status, rc $(cat "$pdd/artifacts/$ident/rc" 2>/dev/null || echo '?')"
  [[ $status == successful ]] || fail "the job $ident ended with status '$status' (artifacts in $pdd/artifacts/$ident)"
}

# The guide's job template playbook (the code block that starts with `# server_action.yml` in awx.rst) is
# the one this check runs, word for word.
check_guide_playbook() {
  local guide=$ROOT/docs/docsite/rst/awx.rst project=$ECO_DIR/awx/project/server_action.yml
  awk '/^    # server_action.yml$/ {on = 1; next} on && /^[^ ]/ {exit} on {print}' "$guide" |
    sed -e 's/^    //' -e '${/^$/d}' >"$WORK/guide-server_action.yml"
  [[ -s $WORK/guide-server_action.yml ]] || fail "no '# server_action.yml' code block in ${guide#"$ROOT"/}"
  grep -v -e '^#' -e '^---$' "$project" >"$WORK/project-server_action.yml"
  diff -u "$WORK/guide-server_action.yml" "$WORK/project-server_action.yml" >&2 ||
    fail "the playbook in ${guide#"$ROOT"/} differs from ${project#"$ROOT"/} (diff above)"
  log '  ok: the guide shows the playbook this check runs'
}

awx_body() {
  make_work awx
  check_guide_playbook
  need_local_cloud
  LOCAL_CLOUDS=$OS_CLIENT_CONFIG_FILE
  build_and_install "$WORK"
  PREFIX=$(unique_prefix awx)

  make_private_data_dir "$WORK/job-password" "$PREFIX-pw" \
    env OS_CLIENT_CONFIG_FILE="$LOCAL_CLOUDS" "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" awx-password local
  run_job "$WORK/job-password" password

  APPCRED_NAME=$PREFIX-appcred
  make_private_data_dir "$WORK/job-appcred" "$PREFIX-ac" \
    env OS_CLIENT_CONFIG_FILE="$LOCAL_CLOUDS" "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" \
    appcred-create local "$APPCRED_NAME"
  grep -q 'auth_type: v3applicationcredential' "$WORK/job-appcred"/tmp* || fail 'no application credential in clouds.yaml'
  run_job "$WORK/job-appcred" appcred

  passed 'ansible-runner job (server, server_info, server_action) with an AWX-style devstack credential: password, then application credential'
}

run_check awx awx_body
