#!/bin/sh
# tracking-issue.sh KIND STATUS REPORT: keeps ONE open issue per KIND (check,
# drift) for as long as that scheduled job finds differences (STATUS 2):
# opened the first time, its body replaced (and a comment added) when the
# findings change, left alone while they stay the same; closed with a
# comment at the first clean run (STATUS 0). Any other status touches
# nothing. The issue is found by the hidden marker on its body's first line,
# which also carries a checksum of the findings. Prints the action (opened,
# changed, unchanged, closed, none) and the issue number.
# Needs: gh (GH_TOKEN with issues: write), GITHUB_REPOSITORY.
set -eu
kind=$1 status=$2 report=$3
repo=${GITHUB_REPOSITORY:?}
prefix="<!-- reconcile:tracking:$kind"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run="${GITHUB_SERVER_URL:-https://github.com}/$repo/actions/runs/${GITHUB_RUN_ID:-}"

number=$(gh api "repos/$repo/issues?state=open&labels=reconcile&per_page=100" \
           --jq ".[] | select(.body // \"\" | startswith(\"$prefix\")) | .number" | head -n 1)

case $status in
  2)
    sum=$(cksum < "$report" | cut -d ' ' -f 1)
    { printf '%s %s -->\n' "$prefix" "$sum"
      printf '`reconcile %s` finds differences from the inventory. This issue is updated while they change and closed by the first clean run.\n\n' "$kind"
      cat "$report"; } > "$tmp/full.md"
    "$(dirname "$0")/fit-comment.sh" "$tmp/full.md" "$tmp/body.md"
    if [ -z "$number" ]; then
      number=$(gh api -X POST "repos/$repo/issues" -f "title=reconcile $kind: the fleet differs from the inventory" \
                 -F "body=@$tmp/body.md" -f "labels[]=reconcile" --jq '.number')
      echo "opened $number"
    elif [ "$(gh api "repos/$repo/issues/$number" --jq '.body | split("\n") | .[0]')" = "$prefix $sum -->" ]; then
      echo "unchanged $number"
    else
      gh api -X PATCH "repos/$repo/issues/$number" -F "body=@$tmp/body.md" > /dev/null
      printf 'The findings changed in [this run](%s).\n' "$run" > "$tmp/note.md"
      gh api -X POST "repos/$repo/issues/$number/comments" -F "body=@$tmp/note.md" > /dev/null
      echo "changed $number"
    fi ;;
  0)
    if [ -n "$number" ]; then
      printf 'Resolved: `reconcile %s` finds no differences in [this run](%s).\n' "$kind" "$run" > "$tmp/note.md"
      gh api -X POST "repos/$repo/issues/$number/comments" -F "body=@$tmp/note.md" > /dev/null
      gh api -X PATCH "repos/$repo/issues/$number" -f state=closed -f state_reason=completed > /dev/null
      echo "closed $number"
    else
      echo "none"
    fi ;;
  *)
    echo "none${number:+ $number}" ;;
esac
