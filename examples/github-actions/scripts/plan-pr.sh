#!/bin/sh
# plan-pr.sh BASE: the pull request's plan, scoped to the domains its
# inventory edit changes since BASE (a commit). Writes plan.md (the comment:
# the Markdown plan, or the error when there is none) and plan.json (the plan
# file the apply workflow applies once merged), and records reconcile's exit
# status as the step output `exitcode`: 0 no changes, 2 changes, 1 an error or
# an incomplete plan (a provider unreachable; the plan says so at its top).
# Always exits 0 itself: the comment is posted first, the job fails after.
# --refresh full: the reviewer approves the plan against the world as it is,
# not the restored state's cached observations (--changed-since keeps the
# reads to the changed domains).
set -eu
base=$1
status=0
reconcile --plan --changed-since "$base" --refresh full --format markdown --detailed-exitcode \
  --out plan.json --progress never > plan.md 2> plan.err || status=$?
cat plan.err >&2
if [ ! -s plan.md ]; then
  # No plan at all (the inventory does not load, the base is unknown): the error is the comment.
  { printf '## reconcile plan\n\n**❌ No plan: `reconcile --plan` failed (exit %s).**\n\n```\n' "$status"
    cat plan.err
    printf '```\n'; } > plan.md
fi
case $status in
  0) next="No changes: merging applies nothing." ;;
  2) next="Merging applies exactly this plan (artifact \`reconcile-plan\`), or nothing if the world changed since." ;;
  *) next="The job fails: this push has no plan to apply." ;;
esac
run="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-}"
printf '\n---\n<sub>Planned at %s against the base %s (only the domains this pull request changes) in [run %s](%s); exit %s. %s</sub>\n' \
  "$(printf %.7s "${HEAD_SHA:-unknown}")" "$(printf %.7s "$base")" "${GITHUB_RUN_ID:-?}" "$run" "$status" "$next" >> plan.md
[ -z "${GITHUB_OUTPUT:-}" ] || echo "exitcode=$status" >> "$GITHUB_OUTPUT"
echo "plan-pr: reconcile --plan exited $status"
