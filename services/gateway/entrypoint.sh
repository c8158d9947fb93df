#!/bin/sh
# The gateway's entrypoint: secrets from files (secrets-from-files.sh), then the command.
set -eu
STRICT=1 . /usr/local/lib/clawbridge/secrets-from-files.sh
exec "$@"
