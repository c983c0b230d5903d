#!/bin/sh
# reviewed-plan.sh DIR REPORT: fetches the plan a reviewer approved for the
# commit being applied (GITHUB_SHA): the pull request merged as that commit,
# the last successful run of the plan workflow at that pull request's head,
# and its `reconcile-plan` artifact, into DIR/plan.json. Sets the step output
# `pr`. Fails loudly, saying why in REPORT, when there is no reviewed plan:
# a push that was not a pull request, or a head whose plan never succeeded.
# Needs: gh (GH_TOKEN with actions: read, pull-requests: read),
# GITHUB_REPOSITORY, GITHUB_SHA; PLAN_WORKFLOW (default reconcile-plan.yml).
set -eu
dir=$1 report=$2
repo=${GITHUB_REPOSITORY:?} sha=${GITHUB_SHA:?}
workflow=${PLAN_WORKFLOW:-reconcile-plan.yml}

refuse() {
  echo "::error title=No reviewed plan::$1"
  printf '## reconcile apply\n\n**❌ Not applied: %s**\n' "$1" > "$report"
  exit 1
}

pr=$(gh api "repos/$repo/commits/$sha/pulls" --jq '.[0].number // empty')
[ -n "$pr" ] || refuse "commit $sha was not merged from a pull request, so no plan was reviewed for it. Inventory changes go through a pull request."
[ -z "${GITHUB_OUTPUT:-}" ] || echo "pr=$pr" >> "$GITHUB_OUTPUT"
head=$(gh api "repos/$repo/pulls/$pr" --jq '.head.sha')
run=$(gh run list --workflow "$workflow" --commit "$head" --status success --limit 1 \
        --json databaseId --jq '.[0].databaseId // empty')
[ -n "$run" ] || refuse "no successful $workflow run for #$pr at its head $head: the last push was never planned, or its plan failed."
mkdir -p "$dir"
gh run download "$run" --name reconcile-plan --dir "$dir"
[ -s "$dir/plan.json" ] || refuse "run $run of $workflow has no reconcile-plan artifact (expired after its retention?)."
echo "reviewed-plan: #$pr, plan of run $run at $head"
