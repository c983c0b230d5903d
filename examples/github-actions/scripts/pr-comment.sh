#!/bin/sh
# pr-comment.sh NUMBER BODYFILE [KEY]: the pull request's one reconcile
# comment of that KEY (plan, apply): created the first time, edited in place
# on every later run, found by the hidden marker on its first line
# (<!-- reconcile:KEY -->), so a pull request never collects one comment
# per push.
# Needs: gh (GH_TOKEN with pull-requests: write), GITHUB_REPOSITORY.
set -eu
number=$1 body=$2 key=${3:-plan}
: "${GITHUB_REPOSITORY:?pr-comment.sh: GITHUB_REPOSITORY (owner/name) is not set}"
marker="<!-- reconcile:$key -->"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ printf '%s\n' "$marker"; cat "$body"; } > "$tmp/full.md"
"$(dirname "$0")/fit-comment.sh" "$tmp/full.md" "$tmp/comment.md"

id=$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$number/comments" \
       --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$id" ]; then
  gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F "body=@$tmp/comment.md" > /dev/null
  echo "pr-comment: updated comment $id on #$number"
else
  gh api -X POST "repos/$GITHUB_REPOSITORY/issues/$number/comments" -F "body=@$tmp/comment.md" > /dev/null
  echo "pr-comment: commented on #$number"
fi
