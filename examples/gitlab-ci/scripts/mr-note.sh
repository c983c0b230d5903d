#!/bin/sh
# mr-note.sh IID BODYFILE [KEY]: the merge request's one reconcile note of
# that KEY (plan, apply): created the first time, edited in place after, found
# by the hidden marker on its first line (<!-- reconcile:KEY -->).
# Needs: curl, jq, CI_API_V4_URL, CI_PROJECT_ID, RECONCILE_GITLAB_TOKEN.
set -eu
iid=$1 body=$2 key=${3:-plan}
api="$(dirname "$0")/gitlab-api.sh"
marker="<!-- reconcile:$key -->"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{ printf '%s\n' "$marker"; cat "$body"; } > "$tmp/note.md"
id=$("$api" GET "merge_requests/$iid/notes?per_page=100&sort=asc" \
       | jq -r --arg m "$marker" '.[] | select(.body | startswith($m)) | .id' | head -n 1)
if [ -n "$id" ]; then
  "$api" PUT "merge_requests/$iid/notes/$id" --data-urlencode "body@$tmp/note.md" > /dev/null
  echo "mr-note: updated note $id on !$iid"
else
  "$api" POST "merge_requests/$iid/notes" --data-urlencode "body@$tmp/note.md" > /dev/null
  echo "mr-note: commented on !$iid"
fi
