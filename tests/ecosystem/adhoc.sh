#!/usr/bin/env bash
# The modules from the command line, as a person uses them: `ansible localhost -m stackops.compute.<module>`
# with OS_CLIENT_CONFIG_FILE and OS_CLOUD=local, against the installed release tarball. Creates a server,
# reads it (server_info), stops it (server_action) twice - the second time without change - reads it again
# and deletes it. Needs the local cloud running (tests/localcloud/localcloud up).
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

SERVER=''

cleanup() {
  [[ -n $SERVER ]] || return 0
  "$ECO_VENV/bin/python" "$ECO_DIR/eco_cloud.py" delete-servers local "$SERVER" >&2
}

# adhoc STATE MODULE ARGS: run `ansible localhost -m MODULE -a ARGS`, expect `localhost | STATE =>` and
# leave the module's result in $WORK/result.json.
adhoc() {
  local state=$1 module=$2 args=$3 out=$WORK/adhoc.out
  log "\$ ansible localhost -m $module -a '$args'"
  ansible localhost -m "$module" -a "$args" >"$out" 2>&1 || true
  cat "$out" >&2
  head -n 1 "$out" | grep -q "^localhost | $state => {" ||
    fail "expected 'localhost | $state =>' from $module, got: $(head -n 1 "$out")"
  sed '1s/^[^{]*{/{/' "$out" >"$WORK/result.json"
}

# result EXPRESSION: evaluate a Python expression over the last result (as `r`), print it.
result() {
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$WORK/result.json" "$1"
}

expect() {
  local what=$1 expression=$2 want=$3 got
  got=$(result "$expression")
  [[ $got == "$want" ]] || fail "$what: expected $want, got $got"
  log "  ok: $what = $got"
}

adhoc_body() {
  need_local_cloud
  export OS_CLOUD=local
  make_work adhoc
  build_and_install "$WORK"
  export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS_PATH
  SERVER=$(unique_prefix adhoc)

  adhoc CHANGED stackops.compute.server \
    "{\"name\": \"$SERVER\", \"image\": \"tiny\", \"flavor\": \"m1.tiny\", \"networks\": [\"private\"]}"
  expect 'created server status' "r['server']['status']" ACTIVE

  adhoc SUCCESS stackops.compute.server_info "server=$SERVER"
  expect 'servers found' "len(r['servers'])" 1
  expect 'its status' "r['servers'][0]['status']" ACTIVE
  expect 'changed' "r['changed']" False

  adhoc CHANGED stackops.compute.server_action "server=$SERVER action=stop"
  adhoc SUCCESS stackops.compute.server_action "server=$SERVER action=stop"

  adhoc SUCCESS stackops.compute.server_info "server=$SERVER"
  expect 'status after stop' "r['servers'][0]['status']" SHUTOFF

  adhoc CHANGED stackops.compute.server "name=$SERVER state=absent"
  adhoc SUCCESS stackops.compute.server_info "server=$SERVER"
  expect 'servers found after delete' "len(r['servers'])" 0
  SERVER=''

  passed 'ansible localhost -m server / server_info / server_action (stop, then stop again unchanged)'
}

run_check adhoc adhoc_body
