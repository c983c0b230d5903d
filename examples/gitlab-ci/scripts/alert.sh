#!/bin/sh
# alert.sh TEXT: one message to the team's Telegram chat (the chat the
# inventory's alerts.telegram names). Without TELEGRAM_BOT_TOKEN and
# TELEGRAM_CHAT_ID it only warns in the job log. A failed delivery is a
# warning, never the job's failure: the alert must not hide what it reports.
set -eu
text=$1
if [ -z "${TELEGRAM_BOT_TOKEN:-}" ] || [ -z "${TELEGRAM_CHAT_ID:-}" ]; then
  echo "WARNING: no alert sent: TELEGRAM_BOT_TOKEN or TELEGRAM_CHAT_ID is not set: $text"
  exit 0
fi
# The token is part of the URL: curl's own errors name neither (-sS without -v).
if curl -sS --fail --max-time 20 -o /dev/null \
     "${TELEGRAM_API_URL:-https://api.telegram.org}/bot$TELEGRAM_BOT_TOKEN/sendMessage" \
     --data-urlencode "chat_id=$TELEGRAM_CHAT_ID" --data-urlencode "text=$text"; then
  echo "alert: sent"
else
  echo "WARNING: alert not delivered: Telegram did not take the alert: $text"
fi
