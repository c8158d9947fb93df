#!/bin/sh
# Secrets may come as files (docker secrets): VAR_FILE=/run/secrets/x sets VAR from the file.
set -eu
for name in OPENCLAW_GATEWAY_TOKEN PROXY_API_KEY CLAUDE_SETUP_TOKEN TELEGRAM_BOT_TOKEN DISCORD_BOT_TOKEN; do
  file_var="${name}_FILE"
  eval "file=\${$file_var:-}"
  if [ -n "$file" ]; then
    eval "value=\${$name:-}"
    if [ -n "$value" ]; then echo "clawbridge: set either $name or $file_var, not both" >&2; exit 1; fi
    [ -r "$file" ] || { echo "clawbridge: $file_var: cannot read $file" >&2; exit 1; }
    export "$name=$(cat "$file")"
    unset "$file_var"
  fi
done
exec "$@"
