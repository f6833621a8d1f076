#!/usr/bin/env bash
# Lint what ruff and ansible-test sanity do not look at:
#   - ansible-lint --profile production on roles/, playbooks/ and the AWX job's project (configuration:
#     .ansible-lint);
#   - antsibull-docs lint-collection-docs --plugin-docs: module, role and filter docs as the docs site renders
#     them, and the guides in docs/docsite/ with their references to options and plugins;
#   - antsibull-changelog lint: the fragments in changelogs/fragments/ and changelogs/changelog.yaml.
# All three run on a copy of the collection at a real .../ansible_collections/stackops/compute path.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

# The next release: the version in galaxy.yml, or 1.0.0 while galaxy.yml is below it.
next_release_version() {
  python3 - "$ROOT/galaxy.yml" <<'EOF'
import sys, yaml
from packaging.version import Version
version = yaml.safe_load(open(sys.argv[1]))['version']
print(max(Version(str(version)), Version('1.0.0')))
EOF
}

# Release the next version in a throwaway copy: its changelog must announce every module, role, filter and
# inventory plugin that no earlier release announced, so each needs version_added set to that release.
changelog_lists_everything() {
  local preview=$WORK/changelog-preview version
  version=$(next_release_version)
  mkdir -p "$preview"
  copy_collection "$preview" >/dev/null
  log "\$ antsibull-changelog release --version $version (in a throwaway copy)"
  (cd "$preview/ansible_collections/stackops/compute" &&
    ANSIBLE_COLLECTIONS_PATH=$preview antsibull-changelog release --version "$version" >&2) || return 1
  python3 - "$preview/ansible_collections/stackops/compute" "$version" <<'EOF'
import glob, os, sys, yaml
root, version = sys.argv[1:]


def announced_in(release):
    names = {m['name'] for m in release.get('modules', [])}
    names |= {r['name'] for r in release.get('objects', {}).get('role', [])}
    names |= {f['name'] for f in release.get('plugins', {}).get('filter', [])}
    names |= {i['name'] for i in release.get('plugins', {}).get('inventory', [])}
    return names


releases = yaml.safe_load(open(os.path.join(root, 'changelogs/changelog.yaml')))['releases']
now = announced_in(releases[version])
before = set().union(*[announced_in(release) for name, release in releases.items() if name != version])
present = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(root, 'plugins/modules/*.py'))} - {'__init__'}
present |= {os.path.basename(p) for p in glob.glob(os.path.join(root, 'roles/*')) if os.path.isdir(p)}
present |= {os.path.basename(p)[:-4] for p in glob.glob(os.path.join(root, 'plugins/filter/*.yml'))}
present |= {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(root, 'plugins/inventory/*.py'))} - {'__init__'}
missing = sorted(present - now - before)
for name in missing:
    print('changelog %s: %s is not announced as new; set version_added: %s in its documentation (for a role, '
          'in the main entry point of meta/argument_specs.yml)' % (version, name, version), file=sys.stderr)
print('changelog %s announces %d new modules, roles and plugins' % (version, len(now)), file=sys.stderr)
sys.exit(1 if missing else 0)
EOF
}

lint_body() {
  local copy failed=()
  make_work lint
  copy=$(copy_collection "$WORK")
  cd "$copy"
  export ANSIBLE_COLLECTIONS_PATH=$WORK

  log '$ ansible-lint --profile production roles/ playbooks/'
  local -a targets=()
  [[ -d roles ]] && targets+=(roles/)
  [[ -d playbooks ]] && targets+=(playbooks/)
  # The job tests/ecosystem/awx.sh runs is an example of a user's playbook: it is held to the same profile.
  targets+=(tests/ecosystem/awx/project/)
  if ((${#targets[@]})); then
    # ansible-lint keeps a cache in .ansible/ of the project it lints: the copy, not the checkout.
    ansible-lint --version >&2
    ansible-lint --profile production --nocolor "${targets[@]}" >&2 || failed+=(ansible-lint)
  fi

  log '$ antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .'
  antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs \
    --validate-collection-refs dependent . >&2 || failed+=(antsibull-docs)

  log '$ antsibull-changelog lint'
  { antsibull-changelog lint && antsibull-changelog lint-changelog-yaml --no-semantic-versioning \
    changelogs/changelog.yaml; } >&2 || failed+=(antsibull-changelog)

  changelog_lists_everything || failed+=(changelog-preview)

  ((${#failed[@]} == 0)) || fail "findings from: ${failed[*]} (see above)"
  passed "ansible-lint production on ${targets[*]}, antsibull-docs (plugins, roles, guides), changelog fragments and preview"
}

run_check lint lint_body
