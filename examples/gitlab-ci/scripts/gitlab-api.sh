#!/bin/sh
# gitlab-api.sh METHOD PATH [curl args…]: one GitLab REST call for this
# project (PATH relative to /projects/:id), authenticated by the project
# access token in RECONCILE_GITLAB_TOKEN (a masked variable; scopes: api).
# Prints the answer; fails on an HTTP error.
set -eu
method=$1 path=$2
shift 2
: "${RECONCILE_GITLAB_TOKEN:?gitlab-api.sh: RECONCILE_GITLAB_TOKEN (a project access token with api scope) is not set}"
exec curl -sS --fail --max-time 60 -X "$method" --header "PRIVATE-TOKEN: $RECONCILE_GITLAB_TOKEN" \
  "$CI_API_V4_URL/projects/$CI_PROJECT_ID/$path" "$@"
