#!/bin/sh
# fit-comment.sh IN OUT: copies a Markdown body, cut to fit GitHub's limit of
# 65,536 characters for a comment or an issue body. `reconcile --format
# markdown` already stays under 65,000 (it summarises, naming what it left
# out); this guards anything else posted, such as an error's output.
set -eu
in=$1 out=$2
limit=${COMMENT_LIMIT:-65536}
if [ "$(wc -c < "$in")" -le "$limit" ]; then
  cp "$in" "$out"
  exit 0
fi
# Bytes, not characters: never over. The last, possibly cut, line is dropped.
head -c $((limit - 400)) "$in" | sed '$d' > "$out"
# Close a code fence the cut left open, so the note below is not swallowed by it.
if [ $(( $(grep -c '^```' "$out" || true) % 2 )) -eq 1 ]; then printf '```\n' >> "$out"; fi
printf '\n> **Truncated** to fit a GitHub comment (%s characters). The job log has the complete output.\n' "$limit" >> "$out"
