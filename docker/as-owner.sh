#!/bin/sh
# The compose services' entrypoint: run the command as the owner of the project folder
# mounted at /app. On Linux, what the container writes there (migrations, uploads, test
# caches) then stays the developer's, whoever that is, root included; Docker Desktop
# maps ownership by itself.
set -eu
exec setpriv --reuid="$(stat -c %u /app)" --regid="$(stat -c %g /app)" --clear-groups -- "$@"
