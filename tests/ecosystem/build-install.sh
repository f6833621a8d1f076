#!/usr/bin/env bash
# Build the release tarball with ansible-galaxy, install it into an empty collections path, and check what a
# user gets: the files a release needs and no build debris, every module, role and filter rendered by
# ansible-doc from the installed copy with its EXAMPLES, and the playbooks loadable by FQCN.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# doc_renders TYPE NAME: ansible-doc renders the plugin or role without error, with EXAMPLES.
doc_renders() {
  local type=$1 name=$2 out=$WORK/doc.out
  if ! ansible-doc -t "$type" "stackops.compute.$name" >"$out" 2>&1; then
    cat "$out" >&2
    fail "ansible-doc -t $type stackops.compute.$name failed"
  fi
  # ansible-core 2.21 warns about its own internal collection when it lists roles: not ours to fix.
  if grep -iE '^\[?(ERROR|WARNING)' "$out" | grep -v '/ansible/_internal/ansible_collections/' >&2; then
    fail "ansible-doc -t $type stackops.compute.$name printed errors or warnings"
  fi
  grep -q '^EXAMPLES:' "$out" || fail "ansible-doc -t $type stackops.compute.$name has no EXAMPLES"
  log "  ok: ansible-doc -t $type stackops.compute.$name ($(wc -l <"$out") lines, with EXAMPLES)"
}

# The names of the installed collection's plugins of TYPE, from ansible-doc's own listing.
listed() {
  ansible-doc -t "$1" -l stackops.compute --json | python3 -c '
import json, sys
print("\n".join(sorted(name.split(".", 2)[2] for name in json.load(sys.stdin))))'
}

build_install_body() {
  local name file version manifest_version
  local -a modules roles filters missing
  make_work build-install
  build_and_install "$WORK"
  export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS_PATH
  local installed=$COLLECTIONS_PATH/ansible_collections/stackops/compute

  version=$(sed -n 's/^version: *//p' "$ROOT/galaxy.yml" | tr -d "\"'")
  manifest_version=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["collection_info"]["version"])' \
    "$installed/MANIFEST.json")
  [[ $manifest_version == "$version" ]] || fail "MANIFEST.json says $manifest_version, galaxy.yml $version"
  log "tarball $(basename "$TARBALL"): $(tar -tzf "$TARBALL" | wc -l) entries, $(du -k "$TARBALL" | cut -f1) KiB"

  missing=()
  for file in README.md meta/runtime.yml meta/execution-environment.yml requirements.txt bindep.txt \
    changelogs/changelog.yaml changelogs/config.yaml docs/docsite/extra-docs.yml docs/docsite/links.yml; do
    [[ -e $installed/$file ]] || missing+=("$file")
  done
  ((${#missing[@]} == 0)) || fail "the tarball lacks: ${missing[*]}"
  if tar -tzf "$TARBALL" | grep -E '(^|/)(tests/output|\.git|\.ansible|\.tox|\.pytest_cache|\.ruff_cache|__pycache__|docs/build)(/|$)|\.tar\.gz$|\.pyc$'; then
    fail 'the tarball holds build debris (listed above): add it to build_ignore in galaxy.yml'
  fi

  mapfile -t modules < <(collection_modules)
  mapfile -t roles < <(collection_roles)
  ((${#modules[@]})) || fail 'no module in plugins/modules'
  [[ "$(listed module)" == "$(printf '%s\n' "${modules[@]}" | sort)" ]] ||
    fail "ansible-doc lists modules '$(listed module | tr '\n' ' ')', plugins/modules has '${modules[*]}'"
  mapfile -t filters < <(listed filter)

  for name in "${modules[@]}"; do doc_renders module "$name"; done
  for name in "${roles[@]}"; do doc_renders role "$name"; done
  for name in "${filters[@]}"; do doc_renders filter "$name"; done
  if compgen -G "$ROOT/plugins/filter/*.py" >/dev/null && ((${#filters[@]} == 0)); then
    fail 'plugins/filter has files, but ansible-doc lists no filter'
  fi

  local -a playbooks=()
  for file in "$installed"/playbooks/*.yml; do
    [[ -e $file ]] || continue
    name=$(basename "$file" .yml)
    ansible-playbook --syntax-check "stackops.compute.$name" -i localhost, >&2 ||
      fail "ansible-playbook --syntax-check stackops.compute.$name failed"
    playbooks+=("$name")
  done

  passed "$(basename "$TARBALL") installs; ansible-doc with EXAMPLES: ${#modules[@]} modules, ${#roles[@]} roles, ${#filters[@]} filters; ${#playbooks[@]} playbooks load by FQCN"
}

run_check build-install build_install_body
