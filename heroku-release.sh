#!/usr/bin/env bash
# The release gate: runs before every release (Heroku's release phase, or a
# one-off container of the Docker image). A failing deploy check stops the
# release before the database is touched, and nothing is deployed.
set -euo pipefail

cd "$(dirname "$0")"
python=${PYTHON:-python}

echo "release: running the deploy checks (check --deploy --fail-level WARNING)"
if ! "$python" manage.py check --deploy --fail-level WARNING; then
    echo "release: FAILED: the deploy checks above found problems; nothing was migrated." >&2
    exit 1
fi

echo "release: applying database migrations"
# manage.py's own status goes out: 3 is a database that cannot be opened (one line above).
status=0
"$python" manage.py migrate --noinput || status=$?
if [ "$status" -ne 0 ]; then
    echo "release: FAILED: migrations did not apply." >&2
    exit "$status"
fi

echo "release: done"
