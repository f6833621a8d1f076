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

  ((${#failed[@]} == 0)) || fail "findings from: ${failed[*]} (see above)"
  passed "ansible-lint production on ${targets[*]:-nothing}, antsibull-docs (plugins, roles, guides), changelog fragments"
}

run_check lint lint_body
