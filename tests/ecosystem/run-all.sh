#!/usr/bin/env bash
# Every ecosystem check, in order, one line each, then `N passed, M failed`; exits non-zero on a failure.
#
#   tests/ecosystem/run-all.sh              all checks
#   tests/ecosystem/run-all.sh lint ee      only these (names: lint build-install ee adhoc readme awx)
#
# adhoc, readme and awx need the local cloud (tests/localcloud/localcloud up); NO_CLOUD=1 leaves them out.
# Logs: tests/output/ecosystem/<check>.log.
set -euo pipefail
HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)

ALL=(lint build-install ee adhoc readme awx)
CLOUD_CHECKS=' adhoc readme awx '

main() {
  local check started=$SECONDS passed=0 failed=0 skipped=0
  local -a checks=("$@")
  ((${#checks[@]})) || checks=("${ALL[@]}")
  for check in "${checks[@]}"; do
    [[ -x $HERE/$check.sh ]] || {
      echo "run-all: unknown check '$check' (known: ${ALL[*]})" >&2
      exit 2
    }
  done
  # Build the tool venv once, before the checks, so that its time is not charged to the first check.
  (
    source "$HERE/lib.sh"
    ensure_eco_venv
  )
  for check in "${checks[@]}"; do
    if [[ ${NO_CLOUD:-0} == 1 && $CLOUD_CHECKS == *" $check "* ]]; then
      echo "skipped $check: NO_CLOUD=1"
      skipped=$((skipped + 1))
      continue
    fi
    if "$HERE/$check.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  done
  echo "ecosystem checks took $((SECONDS - started))s"
  if ((skipped)); then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  ((failed == 0))
}

main "$@"
