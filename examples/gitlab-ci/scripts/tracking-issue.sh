#!/bin/sh
# tracking-issue.sh KIND STATUS REPORT: ONE open issue per KIND (check,
# drift) while that scheduled job finds differences (STATUS 2): opened, its
# description replaced (and a note added) when the findings change, left
# alone while they do not; closed with a note at the first clean run (0).
# Prints the action (opened, changed, unchanged, closed, none) and the iid.
set -eu
kind=$1 status=$2 report=$3
api="$(dirname "$0")/gitlab-api.sh"
prefix="<!-- reconcile:tracking:$kind"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$api" GET "issues?state=opened&labels=reconcile&per_page=100" > "$tmp/open.json"
iid=$(jq -r --arg p "$prefix" '[.[] | select((.description // "") | startswith($p))][0].iid // empty' "$tmp/open.json")
case $status in
  2)
    sum=$(cksum < "$report" | cut -d ' ' -f 1)
    { printf '%s %s -->\n' "$prefix" "$sum"
      printf '`reconcile %s` finds differences from the inventory. This issue is updated while they change and closed by the first clean run.\n\n' "$kind"
      cat "$report"; } > "$tmp/body.md"
    if [ -z "$iid" ]; then
      iid=$("$api" POST issues --data-urlencode "title=reconcile $kind: the fleet differs from the inventory" \
              --data-urlencode "description@$tmp/body.md" --data-urlencode "labels=reconcile" | jq -r '.iid')
      echo "opened $iid"
    elif [ "$(jq -r --arg i "$iid" '.[] | select((.iid | tostring) == $i) | .description | split("\n") | .[0]' "$tmp/open.json")" = "$prefix $sum -->" ]; then
      echo "unchanged $iid"
    else
      "$api" PUT "issues/$iid" --data-urlencode "description@$tmp/body.md" > /dev/null
      "$api" POST "issues/$iid/notes" --data-urlencode "body=The findings changed in $CI_PIPELINE_URL" > /dev/null
      echo "changed $iid"
    fi ;;
  0)
    if [ -n "$iid" ]; then
      "$api" POST "issues/$iid/notes" --data-urlencode "body=Resolved: \`reconcile $kind\` finds no differences ($CI_PIPELINE_URL)." > /dev/null
      "$api" PUT "issues/$iid" --data-urlencode "state_event=close" > /dev/null
      echo "closed $iid"
    else
      echo "none"
    fi ;;
  *) echo "none${iid:+ $iid}" ;;
esac
