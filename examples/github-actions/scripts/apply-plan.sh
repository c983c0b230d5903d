#!/bin/sh
# apply-plan.sh PLANFILE REPORT: applies exactly the reviewed plan. reconcile
# re-reads every resource the plan touches and refuses a plan made from a
# world that has changed since (the inventory, or a record edited at a
# provider): the reviewer approved that plan, not a new one. The refusal is
# loud: an error annotation, the reasons in REPORT (posted to the pull
# request), the job failed. Exit status: reconcile's.
set -eu
plan=$1 report=$2
status=0
reconcile --apply "$plan" --lock-timeout 10m --progress never > apply.out 2> apply.err || status=$?
cat apply.out
cat apply.err >&2
if [ "$status" -eq 0 ]; then
  title="✅ Applied the reviewed plan."
elif grep -q 'the plan is stale' apply.err; then
  title="❌ Not applied: the reviewed plan is stale. What it was made from has changed since; plan again (a new pull request, or \`reconcile --plan --out\` and \`reconcile --apply PLANFILE\` by hand) and review that."
  echo "::error title=Stale plan refused::$(grep -A20 'the plan is stale' apply.err | tr '\n' ' ')"
elif grep -q 'refusing a destructive plan' apply.err; then
  title="❌ Not applied: the plan is over the inventory's safety thresholds (--allow-destructive is only given by hand)."
  echo "::error title=Destructive plan refused::$(grep -A20 'refusing a destructive plan' apply.err | tr '\n' ' ')"
else
  title="❌ The apply failed (exit $status): failed actions are listed below; the next apply converges."
  echo "::error title=Apply failed::reconcile --apply exited $status"
fi
{ printf '## reconcile apply\n\n**%s**\n\n```\n' "$title"
  cat apply.out apply.err
  printf '```\n'; } > "$report"
exit "$status"
