#!/usr/bin/env bash
# make faults: the fault scenarios of issue 15 against this machine's PostgreSQL and Redis, at full size
# (the worker killed -9 while sending 500 reminders; the suite sends 100). Prints one line per
# scenario and the time it took; exits non-zero if any fails.
#   DATABASE_URL      default postgres://postgres@127.0.0.1:5432/jinbao_faults (created if missing)
#   CELERY_BROKER_URL default redis://127.0.0.1:6379/15
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/jinbao_faults}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/15}"
export FAULT_REMINDERS="${FAULT_REMINDERS:-500}"
.venv/bin/python scripts/ensure_services.py
log=$(mktemp -t jinbao-faults.XXXXXX)
status=0
run() {  # title, pytest arguments...
    local title=$1; shift
    local started=$(date +%s)
    if .venv/bin/python -m pytest -p no:xdist --reuse-db -q -s "$@" >"$log" 2>&1; then
        printf '%-58s PASS  %4ss  %s\n' "$title" "$(( $(date +%s) - started ))" "$(grep -oh 'killed after[^.]*' "$log" | head -1 || true)"
    else
        status=1
        printf '%-58s FAIL  %4ss\n' "$title" "$(( $(date +%s) - started ))"
        tail -40 "$log"
    fi
}
echo "fault scenarios on ${DATABASE_URL%%\?*} and $CELERY_BROKER_URL"
run "1. broker away: filing works, outbox relays once"          tests/faults/test_broker_down.py
run "2. database restart: 503 page, nothing half written"       tests/faults/test_database_restart.py
run "3. mail server away: back-off, pending shown, sent once"   tests/faults/test_mail_server_away.py
run "4. worker killed -9 during $FAULT_REMINDERS reminders"     tests/test_celery_worker.py -k "killed"
run "5. disk full while uploading: message, nothing half saved" tests/faults/test_disk_full.py
run "6. 20 confirmations / 20 recordings at once: 1 each"       tests/faults/test_twenty_at_once.py
run "backup, restore into an empty database, verified"         tests/faults/test_backup_restore.py
rm -f "$log"
exit $status
