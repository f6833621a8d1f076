#!/usr/bin/env bash
# Build the release tarball with ansible-galaxy, install it into an empty collections path, and check what a
# user gets: the files a release needs and no build debris, every module, role, filter and inventory plugin
# rendered by ansible-doc from the installed copy with its EXAMPLES, the option aliases the migration guide
# promises, and the playbooks loadable by FQCN. Every problem is listed before the check fails.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

PROBLEMS=()

problem() {
  log "PROBLEM: $*"
  PROBLEMS+=("$*")
}

# doc_renders TYPE NAME: ansible-doc renders the plugin or role without error, with EXAMPLES.
doc_renders() {
  local type=$1 name=$2 out=$WORK/doc.out
  if ! ansible-doc -t "$type" "stackops.compute.$name" >"$out" 2>&1; then
    cat "$out" >&2
    problem "ansible-doc -t $type stackops.compute.$name failed"
    return 0
  fi
  # ansible-core 2.21 warns about its own internal collection when it lists roles: not ours to fix.
  if grep -iE '^\[?(ERROR|WARNING)' "$out" | grep -v '/ansible/_internal/ansible_collections/' >&2; then
    problem "ansible-doc -t $type stackops.compute.$name printed errors or warnings"
  elif ! grep -q '^EXAMPLES:' "$out"; then
    if [[ $type == role ]]; then
      problem "ansible-doc -t role stackops.compute.$name has no EXAMPLES (add 'examples:' to the entry point in meta/argument_specs.yml)"
    else
      problem "ansible-doc -t $type stackops.compute.$name has no EXAMPLES"
    fi
  else
    log "  ok: ansible-doc -t $type stackops.compute.$name ($(wc -l <"$out") lines, with EXAMPLES)"
  fi
}

# The names of the installed collection's plugins of TYPE, from ansible-doc's own listing.
listed() {
  ansible-doc -t "$1" -l stackops.compute --json | python3 -c '
import json, sys
print("\n".join(sorted(name.split(".", 2)[2] for name in json.load(sys.stdin))))'
}

# The migration guide writes ":ansopt:`stackops.compute.MODULE#module:OPTION` (alias ``NAME``)": antsibull-docs
# checks that OPTION exists; this checks that the installed module really takes NAME as an alias of it.
check_guide_aliases() {
  local guide=$1 module
  local -a modules
  [[ -f $guide ]] || return 0
  mapfile -t modules < <(grep -oE 'stackops\.compute\.[a-z_]+#module:[a-z_0-9]+` \(alias' "$guide" | cut -d'#' -f1 | sort -u)
  for module in "${modules[@]}"; do
    ansible-doc -t module --json "$module" >"$WORK/$module.json" 2>/dev/null || echo '{}' >"$WORK/$module.json"
  done
  python3 - "$guide" "$WORK" <<'EOF' || problem "the migration guide names aliases that the modules do not have (above)"
import json, re, sys
guide, work = sys.argv[1:]
claims = re.findall(r'(stackops\.compute\.[a-z_]+)#module:([a-z_0-9]+)` \(alias(?:es)? ([^)]*)\)', open(guide).read())
wrong = []
for module, option, aliases in claims:
    doc = json.load(open('%s/%s.json' % (work, module))).get(module, {}).get('doc', {})
    have = set(doc.get('options', {}).get(option, {}).get('aliases', []))
    for alias in re.findall(r'``([^`]+)``', aliases):
        if alias not in have:
            wrong.append('%s: option %s has no alias %s (it has: %s)' % (module, option, alias, sorted(have) or 'none'))
for line in wrong:
    print('migration guide: ' + line, file=sys.stderr)
print('  %d alias claims in the migration guide, %d wrong' % (len(claims), len(wrong)), file=sys.stderr)
sys.exit(1 if wrong else 0)
EOF
}

build_install_body() {
  local name file version manifest_version
  local -a modules roles filters inventories playbooks=()
  make_work build-install
  build_and_install "$WORK"
  export ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS_PATH
  local installed=$COLLECTIONS_PATH/ansible_collections/stackops/compute

  version=$(sed -n 's/^version: *//p' "$ROOT/galaxy.yml" | tr -d "\"'")
  manifest_version=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["collection_info"]["version"])' \
    "$installed/MANIFEST.json")
  [[ $manifest_version == "$version" ]] || problem "MANIFEST.json says $manifest_version, galaxy.yml $version"
  log "tarball $(basename "$TARBALL"): $(tar -tzf "$TARBALL" | wc -l) entries, $(du -k "$TARBALL" | cut -f1) KiB"

  for file in README.md meta/runtime.yml meta/execution-environment.yml requirements.txt bindep.txt \
    changelogs/changelog.yaml changelogs/config.yaml docs/docsite/extra-docs.yml docs/docsite/links.yml; do
    [[ -e $installed/$file ]] || problem "the tarball lacks $file"
  done
  if tar -tzf "$TARBALL" |
    grep -E '(^|/)(tests/output|\.git|\.ansible|\.tox|\.pytest_cache|\.ruff_cache|__pycache__|docs/build)(/|$)|\.tar\.gz$|\.pyc$' >&2; then
    problem 'the tarball holds build debris (listed above): add it to build_ignore in galaxy.yml'
  fi

  mapfile -t modules < <(collection_modules)
  mapfile -t roles < <(collection_roles)
  mapfile -t filters < <(listed filter)
  mapfile -t inventories < <(listed inventory)
  ((${#modules[@]})) || problem 'no module in plugins/modules'
  [[ "$(listed module)" == "$(printf '%s\n' "${modules[@]}" | sort)" ]] ||
    problem "ansible-doc lists modules '$(listed module | tr '\n' ' ')', plugins/modules has '${modules[*]}'"
  if compgen -G "$ROOT/plugins/filter/*.py" >/dev/null && ((${#filters[@]} == 0)); then
    problem 'plugins/filter has files, but ansible-doc lists no filter'
  fi
  if compgen -G "$ROOT/plugins/inventory/*.py" >/dev/null && ((${#inventories[@]} == 0)); then
    problem 'plugins/inventory has files, but ansible-doc lists no inventory plugin'
  fi

  for name in "${modules[@]}"; do doc_renders module "$name"; done
  for name in "${roles[@]}"; do doc_renders role "$name"; done
  for name in "${filters[@]}"; do doc_renders filter "$name"; done
  for name in "${inventories[@]}"; do doc_renders inventory "$name"; done

  check_guide_aliases "$ROOT/docs/docsite/rst/migrating_from_openstack_cloud.rst"

  for file in "$installed"/playbooks/*.yml; do
    [[ -e $file ]] || continue
    name=$(basename "$file" .yml)
    if ansible-playbook --syntax-check "stackops.compute.$name" -i localhost, >&2; then
      playbooks+=("$name")
    else
      problem "ansible-playbook --syntax-check stackops.compute.$name failed"
    fi
  done

  if ((${#PROBLEMS[@]})); then
    printf '  - %s\n' "${PROBLEMS[@]}" >&2
    fail "${#PROBLEMS[@]} problem(s) with the installed collection (listed above)"
  fi
  passed "$(basename "$TARBALL") installs; ansible-doc with EXAMPLES: ${#modules[@]} modules, ${#roles[@]} roles, ${#filters[@]} filters, ${#inventories[@]} inventory plugins; ${#playbooks[@]} playbooks load by FQCN"
}

run_check build-install build_install_body
