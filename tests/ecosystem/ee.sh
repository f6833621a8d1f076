#!/usr/bin/env bash
# The execution environment: `ansible-builder create` writes the build context of docs/execution-environment.yml
# (the collection from Galaxy) and of the same file changed to install this checkout's release tarball, as
# that file's comment describes. Then the context's own introspect script - the step the image build runs
# once the collections are installed - reads the installed tarball: its Python requirements must include
# openstacksdk and jmespath and its system requirements every line of bindep.txt, as
# meta/execution-environment.yml declares. Building the image needs a container engine, which CI lacks.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

EXAMPLE=$ROOT/docs/execution-environment.yml

# The example, changed to install TARBALL instead of the Galaxy release.
write_tarball_variant() {
  local dest=$1
  python3 - "$EXAMPLE" "$TARBALL" "$dest" <<'EOF'
import os, sys, yaml
example, tarball, dest = sys.argv[1:]
with open(example) as handle:
    ee = yaml.safe_load(handle)
name = os.path.basename(tarball)
ee['dependencies']['galaxy'] = {'collections': [{'name': 'collections/' + name, 'type': 'file'}]}
ee['additional_build_files'] = [{'src': name, 'dest': 'collections'}]
with open(dest, 'w') as handle:
    yaml.safe_dump(ee, handle, sort_keys=False)
EOF
  cp "$TARBALL" "$(dirname "$dest")/"
}

# check_context DIR WHAT: the parts of a build context that every image build needs.
check_context() {
  local context=$1 file
  for file in Containerfile _build/requirements.yml _build/scripts/introspect.py _build/scripts/assemble; do
    [[ -f $context/$file ]] || fail "$2: the build context lacks $file"
  done
  grep -q '^FROM .* AS galaxy' "$context/Containerfile" || fail "$2: no galaxy stage in the Containerfile"
  grep -q 'ansible-galaxy collection install .*-r requirements.yml' "$context/Containerfile" ||
    fail "$2: the Containerfile installs no collections"
  grep -q 'introspect' "$context/Containerfile" || fail "$2: the Containerfile does not collect requirements"
  log "  ok: $2 build context in $context"
}

ee_body() {
  make_work ee
  build_and_install "$WORK"
  local name line
  name=$(basename "$TARBALL")

  log "\$ ansible-builder create -f docs/execution-environment.yml"
  (cd "$WORK" && ansible-builder create -f "$EXAMPLE" -c context-galaxy --output-filename Containerfile -v 3) >&2
  check_context "$WORK/context-galaxy" 'example (Galaxy)'
  grep -qE 'name: stackops\.compute$' "$WORK/context-galaxy/_build/requirements.yml" ||
    fail 'the example does not install stackops.compute'

  mkdir -p "$WORK/from-tarball"
  write_tarball_variant "$WORK/from-tarball/execution-environment.yml"
  log "\$ ansible-builder create (the example with $name)"
  (cd "$WORK/from-tarball" && ansible-builder create -c context --output-filename Containerfile -v 3) >&2
  check_context "$WORK/from-tarball/context" 'example (tarball)'
  [[ -f $WORK/from-tarball/context/_build/collections/$name ]] || fail "the build context lacks $name"
  grep -q "collections/$name" "$WORK/from-tarball/context/_build/requirements.yml" ||
    fail "the build context's requirements.yml does not name $name"

  # What the image build runs after `ansible-galaxy collection install`, on the installed tarball.
  log "\$ introspect.py introspect $COLLECTIONS_PATH"
  python3 "$WORK/context-galaxy/_build/scripts/introspect.py" introspect "$COLLECTIONS_PATH" \
    --write-pip "$WORK/requirements.txt" --write-bindep "$WORK/bindep.txt" >&2
  for line in openstacksdk jmespath; do
    grep -qE "^$line\b.*# from collection stackops\.compute" "$WORK/requirements.txt" ||
      fail "the image's Python requirements lack $line from stackops.compute"
  done
  while IFS= read -r line; do
    line=${line%%#*}
    line=${line%"${line##*[![:space:]]}"}
    [[ -n $line ]] || continue
    grep -qF "$line  # from collection stackops.compute" "$WORK/bindep.txt" ||
      fail "the image's system requirements lack '$line' (bindep.txt)"
  done <"$ROOT/bindep.txt"
  log 'Python requirements:' && cat "$WORK/requirements.txt" >&2
  log 'system requirements:' && cat "$WORK/bindep.txt" >&2

  passed "ansible-builder create: Galaxy and tarball contexts; introspect finds openstacksdk, jmespath, $(grep -c . "$WORK/bindep.txt") bindep lines"
}

run_check ee ee_body
