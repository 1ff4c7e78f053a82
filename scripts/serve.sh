#!/usr/bin/env bash
# Serves the platform and runs the background-task worker beside it; Ctrl-C stops both.
set -euo pipefail
host=${1:-127.0.0.1}; port=${2:-8000}
cd "$(dirname "$0")/.."
source scripts/demo-env.sh
.venv/bin/python manage.py db_worker --interval 0.5 >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
.venv/bin/python manage.py demo_accounts
.venv/bin/python manage.py send_reminders  # daily in production (cron; docs/deploy.md)
echo "后台任务进程已启动（日志 var/worker.log）。浏览器打开 http://$host:$port/"
.venv/bin/python manage.py runserver "$host:$port" --noreload
