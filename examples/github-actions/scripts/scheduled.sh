#!/bin/sh
# scheduled.sh KIND: one scheduled run. KIND check: `reconcile check`, the
# fleet as DNS and the web forwards publish it (no provider API call; the
# expected values come from the state file's observations). KIND drift:
# `reconcile drift`, every domain re-read through the provider APIs. Exit 2
# (differences) opens or updates the tracking issue and alerts when the
# findings are new or changed; exit 0 closes it (and says so); exit 1 (some
# domain could not be checked) leaves the issue alone and fails the job.
# RECONCILE_CHECK_FLAGS adds flags to `check` (e.g. --dns-timeout 3000).
set -eu
kind=$1
scripts=$(dirname "$0")
status=0
case $kind in
  # Word splitting of the flags is wanted here.
  # shellcheck disable=SC2086
  check) reconcile check --format markdown ${RECONCILE_CHECK_FLAGS:-} > report.md 2> report.err || status=$? ;;
  drift) reconcile drift --format markdown --progress never > report.md 2> report.err || status=$? ;;
  *) echo "scheduled.sh: KIND is check or drift, not '$kind'" >&2; exit 64 ;;
esac
cat report.md
cat report.err >&2
case $status in
  0|2) ;;
  *) echo "::error title=reconcile $kind could not check everything::exit $status; the tracking issue is left as it is."
     exit 1 ;;
esac
set -- $("$scripts/tracking-issue.sh" "$kind" "$status" report.md)
action=$1 number=${2:-}
echo "scheduled: reconcile $kind exited $status; tracking issue: $action${number:+ #$number}"
url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/issues/$number"
case $action in
  opened|changed) "$scripts/alert.sh" "reconcile $kind: the fleet differs from the inventory ($action: $url)" ;;
  closed) "$scripts/alert.sh" "reconcile $kind: resolved, the fleet matches the inventory again ($url)" ;;
esac
