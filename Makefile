# Entry points for developers and CI. The work is done by tests/run-tests; `make help` lists it all.
#   make test                          everything CI runs (stops the local cloud it started; KEEP_CLOUD=1 keeps it)
#   make lint | format                 ruff
#   make units | sanity                ansible-test on ansible-core 2.16, 2.19, 2.21 (ANSIBLE_CORE=2.21 picks)
#   make integration                   local cloud up, ansible-test integration (TARGETS="smoke" picks)
#   make compat                        units and the smoke target on the oldest and newest openstacksdk,
#                                      ansible-core 2.16 and 2.21 (tests/requirements-sdk-oldest.txt)
#   make ecosystem                     ansible-lint, docs lint, tarball, execution environment, ad hoc, AWX-style
#   make docs                          HTML docs site in docs/build/html
#   make demo                          local cloud up, ansible-playbook stackops.compute.demo
#   make cloud | down                  start / stop the local cloud
#   make venvs                         build the tool venvs only

RUN_TESTS := tests/run-tests

# Settings given on the command line (make sanity ANSIBLE_CORE=2.21) reach the script.
export ANSIBLE_CORE TARGETS KEEP_CLOUD KEEP_GOING VERBOSE INTEGRATION_SHARDS

.PHONY: help test venvs lint format units sanity integration compat ecosystem docs cloud down demo bench

help:
	@$(RUN_TESTS) help

test:
	@$(RUN_TESTS) test

venvs lint format units sanity integration compat ecosystem docs cloud down demo:
	@$(RUN_TESTS) $@

# This collection against openstack.cloud and a plain openstacksdk script on the local cloud (not part of
# `make test`): make bench ROUNDS=1 BENCH_SCENARIOS=create10,rerun. See tests/bench/run-bench.
bench:
	@ROUNDS='$(ROUNDS)' BENCH_SCENARIOS='$(BENCH_SCENARIOS)' BENCH_CLIENTS='$(BENCH_CLIENTS)' \
		BENCH_LIST_SIZES='$(BENCH_LIST_SIZES)' BENCH_INVENTORY_SIZES='$(BENCH_INVENTORY_SIZES)' tests/bench/run-bench
