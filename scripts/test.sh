#!/usr/bin/env bash
# The whole suite: SQLite, PostgreSQL and the browser leg. On a user's machine a leg whose service
# is missing is skipped and named; under CI (CI=true) every leg is required.
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
pg_url=${SSJ_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/shuangsuiji}
failed=0; skipped=()

leg() {  # leg NAME ENV... -- PYTEST ARGS
  local name=$1; shift
  echo "== $name"
  if ! env "$@"; then failed=1; echo "!! leg failed: $name"; fi
}

leg "SQLite" DATABASE_URL="sqlite:///:memory:" $py -m pytest -n 2 -m "not browser" shuangsuiji

if $py - "$pg_url" <<'PY' 2>/dev/null
import sys, psycopg
u = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
psycopg.connect(u, connect_timeout=3).close()
PY
then
  # The pure engine (shuangsuiji/lottery) touches no database: the SQLite leg covers it.
  leg "PostgreSQL" DATABASE_URL="$pg_url" $py -m pytest -n 2 -m "not browser" shuangsuiji --ignore=shuangsuiji/lottery
else
  skipped+=("PostgreSQL (nothing answers at $pg_url)")
fi

if [[ -x /usr/bin/chromium ]]; then
  leg "Browser (chromium, desktop and phone widths)" DATABASE_URL="sqlite:///:memory:" $py -m pytest -m browser shuangsuiji
else
  skipped+=("browser (no /usr/bin/chromium; apt-get install chromium fonts-noto-cjk)")
fi

if ((${#skipped[@]})); then
  printf 'SKIPPED leg: %s\n' "${skipped[@]}"
  if [[ "${CI:-}" == "true" ]]; then echo "CI requires every leg."; failed=1; fi
fi
exit $failed
