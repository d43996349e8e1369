#!/bin/sh
# One-shot (compose service temporal-setup): the namespace the app uses and the custom search attributes
# its jobs upsert, each created only when missing, so it is safe on every `up`.
#   TEMPORAL_ADDRESS     host:port of the frontend
#   NAMESPACE            created with NAMESPACE_RETENTION (default 7d) when it does not exist
#   SEARCH_ATTRIBUTES    space-separated Name=Type pairs, e.g. "AutoScrapeUserId=Keyword"
set -eu
: "${TEMPORAL_ADDRESS:?}" "${NAMESPACE:?}" "${SEARCH_ATTRIBUTES:?}"

# A new namespace takes a few seconds to reach every frontend's cache: retry rather than fail the step.
retry() {
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge 30 ]; then
      echo "gave up after $attempt attempts: $*" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

temporal_op() {
  temporal operator "$@" --address "$TEMPORAL_ADDRESS"
}

retry temporal_op cluster health >/dev/null
if temporal_op namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  retry temporal_op namespace create --namespace "$NAMESPACE" --retention "${NAMESPACE_RETENTION:-7d}"
fi

for pair in $SEARCH_ATTRIBUTES; do
  name=${pair%%=*}
  type=${pair#*=}
  existing=$(retry temporal_op search-attribute list --namespace "$NAMESPACE")
  if printf '%s\n' "$existing" | grep -qw -- "$name"; then
    echo "search attribute $name exists"
  else
    retry temporal_op search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "namespace $NAMESPACE is ready"
