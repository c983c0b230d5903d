#!/bin/sh
# reviewed-plan.sh DIR REPORT: the plan reviewed for the merged commit
# (CI_COMMIT_SHA): its merge request, that merge request's last successful
# pipeline at its head, and the plan.json artifact of its reconcile-plan job,
# into DIR/plan.json. Writes the merge request's iid to DIR/iid. Fails loudly,
# saying why in REPORT, when there is no reviewed plan.
set -eu
dir=$1 report=$2
api="$(dirname "$0")/gitlab-api.sh"
mkdir -p "$dir"
refuse() {
  echo "ERROR: not applied: $1" >&2
  printf '## reconcile apply\n\n**❌ Not applied: %s**\n' "$1" > "$report"
  exit 1
}
iid=$("$api" GET "repository/commits/$CI_COMMIT_SHA/merge_requests" | jq -r '[.[] | select(.state == "merged")][0].iid // empty')
[ -n "$iid" ] || refuse "commit $CI_COMMIT_SHA was not merged from a merge request, so no plan was reviewed for it."
echo "$iid" > "$dir/iid"
head=$("$api" GET "merge_requests/$iid" | jq -r '.sha')
pipeline=$("$api" GET "merge_requests/$iid/pipelines" \
             | jq -r --arg h "$head" '[.[] | select(.sha == $h and .status == "success")][0].id // empty')
[ -n "$pipeline" ] || refuse "no successful pipeline for !$iid at its head $head: the last push was never planned, or its plan failed."
job=$("$api" GET "pipelines/$pipeline/jobs?scope[]=success" | jq -r '[.[] | select(.name == "reconcile-plan")][0].id // empty')
[ -n "$job" ] || refuse "pipeline $pipeline has no successful reconcile-plan job."
"$api" GET "jobs/$job/artifacts/plan.json" -o "$dir/plan.json" || refuse "job $job has no plan.json artifact (expired?)."
echo "reviewed-plan: !$iid, plan of job $job at $head"
