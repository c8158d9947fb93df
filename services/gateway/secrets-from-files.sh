# Sourced by the gateway's entrypoint and by its `openclaw` command: secrets may come as files
# (docker secrets), VAR_FILE=/run/secrets/x sets VAR from the file. With STRICT=1 (the entrypoint)
# VAR and VAR_FILE both set is an error; otherwise a VAR already set wins (docker exec -e VAR=...).
for name in OPENCLAW_GATEWAY_TOKEN PROXY_API_KEY CLAUDE_SETUP_TOKEN TELEGRAM_BOT_TOKEN DISCORD_BOT_TOKEN FALLBACK_ANTHROPIC_API_KEY; do
  file_var="${name}_FILE"
  eval "file=\${$file_var:-}"
  [ -n "$file" ] || continue
  eval "value=\${$name:-}"
  if [ -n "$value" ]; then
    if [ "${STRICT:-0}" = 1 ]; then echo "clawbridge: $name and $file_var are both set: keep one of them." >&2; exit 1; fi
    continue
  fi
  [ -r "$file" ] || { echo "clawbridge: $file_var names $file, which cannot be read: check that the secret is mounted there." >&2; exit 1; }
  export "$name=$(cat "$file")"
  unset "$file_var"
done
