#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and data directory, then check it:
# the checksums first, the audit chain and every draw's frozen pool after (manage.py verify_audit,
# check_deployment --deep).
#   DATABASE_URL=postgres://.../shuangsuiji_restored SSJ_VAR_DIR=/var/lib/ssj-restored scripts/restore.sh /backups/2026-12-05
set -euo pipefail
src=${1:?usage: restore.sh BACKUP_DIR}
: "${DATABASE_URL:?set DATABASE_URL to the (empty) PostgreSQL database to restore into}"
var=${SSJ_VAR_DIR:?set SSJ_VAR_DIR to the (empty) data directory to restore into}
(cd "$src" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$DATABASE_URL" "$src/db.dump"
mkdir -p "$var"
tar -C "$var" -xzf "$src/uploads.tar.gz"
echo "restored from $src; now run: manage.py verify_audit && manage.py check_deployment --deep"
