#!/usr/bin/env bash
# Run a job the way AWX / Automation Controller runs it, against the local cloud:
# ansible-runner with a private data dir (project/, inventory/, env/envvars, env/extravars), the collection
# from its release tarball, and the credential injected as AWX's OpenStack credential injects it - a
# clouds.yaml holding one cloud named `devstack`, at a temporary name in the private data dir, pointed to by
# OS_CLIENT_CONFIG_FILE - and no `cloud` option in any task. Then the same job again with a keystone
# application credential (auth_type v3applicationcredential), which is deleted afterwards. Then an update of an
# inventory source that uses the stackops.compute.openstack inventory plugin, run as AWX runs one (ansible-runner,
# ansible-inventory --list --export, AWX's settings for inventory updates), and a job sliced in two over its hosts.
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
  write_envvars "$pdd" "$clouds_file"
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

# write_envvars DIR CLOUDS_FILE [LINE...]: the environment AWX gives a job (env/envvars): the credential's
# clouds.yaml, the collection, Ansible's settings, and more YAML lines.
write_envvars() {
  local pdd=$1 clouds_file=$2
  shift 2
  {
    echo '---'
    echo "OS_CLIENT_CONFIG_FILE: $clouds_file"
    echo "ANSIBLE_COLLECTIONS_PATH: $COLLECTIONS_PATH"
    echo "ANSIBLE_CONFIG: $ANSIBLE_CONFIG"
    printf '%s\n' "$@"
  } >"$pdd/env/envvars"
}

# runner_run DIR IDENT ARGS...: ansible-runner run DIR ARGS, as AWX does; fails unless its status is `successful`.
# With `--binary B` (which the command line refuses without a playbook), ansible-runner's Python API runs B, as
# AWX runs ansible-inventory for an inventory update.
runner_run() {
  local pdd=$1 ident=$2 status
  shift 2
  # Nothing of the caller's OpenStack environment reaches the job: only what the private data dir says.
  if [[ ${1:-} == --binary ]]; then
    log "\$ python -c 'ansible_runner.run(private_data_dir=\"$pdd\", ident=\"$ident\", binary=\"$2\")'"
    env -u OS_CLIENT_CONFIG_FILE -u OS_CLOUD "$ECO_VENV/bin/python" -c \
      'import sys, ansible_runner; ansible_runner.run(private_data_dir=sys.argv[1], ident=sys.argv[2], binary=sys.argv[3])' \
      "$pdd" "$ident" "$2" >&2 || true
  else
    log "\$ ansible-runner run $pdd $* --ident $ident"
    env -u OS_CLIENT_CONFIG_FILE -u OS_CLOUD ansible-runner run "$pdd" "$@" --ident "$ident" >&2 || true
  fi
  status=$(cat "$pdd/artifacts/$ident/status" 2>/dev/null || echo missing)
  log "$ident: status $status, rc $(cat "$pdd/artifacts/$ident/rc" 2>/dev/null || echo '?')"
  [[ $status == successful ]] || fail "$ident ended with status '$status' (artifacts in $pdd/artifacts/$ident)"
}

# run_job DIR IDENT: the job template's playbook.
run_job() {
  runner_run "$1" "$2" -p playbook.yml
}

# check_guide_playbook GUIDE NAME: the guide's code block that starts with `# NAME` (or `# NAME: ...`) is the
# project's playbook NAME that this check runs, word for word.
check_guide_playbook() {
  local guide=$ROOT/docs/docsite/rst/$1 name=$2 project=$ECO_DIR/awx/project/$2
  awk -v marker="    # $name" '$0 == marker || index($0, marker ":") == 1 {on = 1; next} on && /^[^ ]/ {exit} on {print}' \
    "$guide" | sed -e 's/^    //' -e '${/^$/d}' >"$WORK/guide-$name"
  [[ -s $WORK/guide-$name ]] || fail "no '# $name' code block in ${guide#"$ROOT"/}"
  grep -v -e '^#' -e '^---$' "$project" >"$WORK/project-$name"
  diff -u "$WORK/guide-$name" "$WORK/project-$name" >&2 ||
    fail "the playbook in ${guide#"$ROOT"/} differs from ${project#"$ROOT"/} (diff above)"
  log "  ok: ${guide#"$ROOT"/} shows the playbook $name that this check runs"
}

# awx_clouds_file DIR: the clouds.yaml that AWX's OpenStack credential writes (one cloud, devstack), in DIR.
awx_clouds_file() {
  local clouds_file
  clouds_file=$(mktemp "$1/tmpXXXXXXXX")
  OS_CLIENT_CONFIG_FILE=$LOCAL_CLOUDS "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" awx-password local "$clouds_file"
  chmod 600 "$clouds_file"
  echo "$clouds_file"
}

# inventory_update DIR: an update of an inventory source "Sourced from a Project", as AWX runs one: ansible-runner
# runs ansible-inventory (--binary) with the arguments AWX gives it (env/cmdline) and AWX's environment for
# inventory updates (a source that fails fails the update), with the same credential file as the jobs.
inventory_update() {
  local pdd=$1 clouds_file
  mkdir -p "$pdd/env" "$pdd/artifacts"
  cp -r "$ECO_DIR/awx/project" "$pdd/project"
  mkdir -p "$pdd/project/inventory"
  cat >"$pdd/project/inventory/compute.openstack.yml" <<EOF
plugin: stackops.compute.openstack
only_clouds: [devstack]
server_filters:
  name: '^$PREFIX-inv-'
keyed_groups:
  - key: openstack.status | lower
    prefix: status
EOF
  clouds_file=$(awx_clouds_file "$pdd")
  write_envvars "$pdd" "$clouds_file" "ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True'" "ANSIBLE_INVENTORY_EXPORT: 'True'" \
    "ANSIBLE_VERBOSE_TO_STDERR: 'True'"
  echo "--list --export -i $pdd/project/inventory/compute.openstack.yml --output $pdd/artifacts/output.json" \
    "--playbook-dir $pdd/project/inventory" >"$pdd/env/cmdline"
  runner_run "$pdd" inventory-update --binary ansible-inventory
}

# sliced_job DIR SLICE IDENT: the guide's lock.yml on one slice of the inventory, as AWX runs one slice of a job.
sliced_job() {
  local pdd=$1 slice=$2 ident=$3 clouds_file
  mkdir -p "$pdd/env" "$pdd/inventory"
  cp -r "$ECO_DIR/awx/project" "$pdd/project"
  cp "$slice" "$pdd/inventory/hosts.json"
  clouds_file=$(awx_clouds_file "$pdd")
  write_envvars "$pdd" "$clouds_file"
  runner_run "$pdd" "$ident" -p lock.yml
}

# changed_hosts STDOUT: "host changed=N" for each host of a job's recap, sorted.
changed_hosts() {
  grep -E '^\S+ +: ok=' "$1" | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^changed=/) print $1, $i}' | sort
}

# Three servers as an inventory source of AWX, updated, then a job sliced in two over its hosts.
inventory_body() {
  local update=$WORK/inventory-update hosts expected one two
  OS_CLIENT_CONFIG_FILE=$LOCAL_CLOUDS "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" \
    create-servers local "$PREFIX-inv" 3 >&2
  inventory_update "$update"
  hosts=$(python3 -c 'import json, sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["_meta"]["hostvars"])))' \
    "$update/artifacts/output.json")
  expected="$PREFIX-inv-1 $PREFIX-inv-2 $PREFIX-inv-3"
  [[ $hosts == "$expected" ]] || fail "the inventory update listed '$hosts', expected '$expected'"
  grep -q '"status_active"' "$update/artifacts/output.json" || fail 'the inventory update made no status_active group'
  log "  ok: the inventory update listed $hosts"

  "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" slices "$update/artifacts/output.json" 2 "$WORK/slice" >&2
  sliced_job "$WORK/job-slice-1" "$WORK/slice-1.json" slice-1
  sliced_job "$WORK/job-slice-2" "$WORK/slice-2.json" slice-2
  one=$(changed_hosts "$WORK/job-slice-1/artifacts/slice-1/stdout")
  two=$(changed_hosts "$WORK/job-slice-2/artifacts/slice-2/stdout")
  [[ $one == "$(printf '%s changed=1\n' "$PREFIX-inv-1" "$PREFIX-inv-3")" ]] ||
    fail "slice 1 should have locked $PREFIX-inv-1 and -3, its recap says: $one"
  [[ $two == "$PREFIX-inv-2 changed=1" ]] || fail "slice 2 should have locked $PREFIX-inv-2, its recap says: $two"
  [[ $(OS_CLIENT_CONFIG_FILE=$LOCAL_CLOUDS "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" \
    locked-servers local "$PREFIX-inv" | grep -c ' locked$') == 3 ]] ||
    fail 'not every server of the inventory is locked after the two slices'
  log '  ok: two slices of the job locked the three servers, each slice its own'
}

awx_body() {
  make_work awx
  check_guide_playbook awx.rst server_action.yml
  check_guide_playbook inventory.rst lock.yml
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

  inventory_body

  passed 'ansible-runner job (server, server_info, server_action) with an AWX-style devstack credential: password, then application credential; an inventory update with stackops.compute.openstack, and a job sliced in two over it'
}

run_check awx awx_body
