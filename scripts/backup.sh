#!/usr/bin/env bash
# Back up a shuangsuiji deployment: the PostgreSQL database (pg_dump, custom format) and the data directory's
# uploads (frozen draw pools — a draw's kit cannot be rebuilt without them — and imported files).
#   DATABASE_URL=postgres://... SSJ_VAR_DIR=/var/lib/shuangsuiji scripts/backup.sh /backups/2026-12-05
set -euo pipefail
dest=${1:?usage: backup.sh DEST_DIR}
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database}"
var=${SSJ_VAR_DIR:?set SSJ_VAR_DIR to the data directory}
mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --file "$dest/db.dump" "$DATABASE_URL"
if [[ -d "$var/uploads" ]]; then
  tar -C "$var" -czf "$dest/uploads.tar.gz" uploads
else
  tar -czf "$dest/uploads.tar.gz" --files-from /dev/null
fi
(cd "$dest" && sha256sum db.dump uploads.tar.gz > SHA256SUMS)
echo "backup written to $dest"
