#!/bin/sh
# `openclaw` in the gateway image, ahead of the real one on PATH: a command started with
# `docker exec` gets the container's environment but not what the entrypoint made of it, so on
# Swarm (secrets as files) it would lack the gateway token. This loads them the same way first.
set -eu
. /usr/local/lib/clawbridge/secrets-from-files.sh
exec /usr/local/bin/openclaw "$@"
