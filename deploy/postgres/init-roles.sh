#!/bin/sh
# docker-compose.yml mounts this into the PostgreSQL image's /docker-entrypoint-initdb.d/, which runs it once, when the
# container initialises an empty data volume: it creates ReportSaga's database and roles (roles.sql) with the passwords
# from .env. A volume made before will not see new passwords: `docker compose down -v` starts it afresh.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v database=reportsaga -v owner_role=reportsaga_owner -v app_role=reportsaga_app \
    -v owner_password="$REPORTSAGA_OWNER_PASSWORD" -v app_password="$REPORTSAGA_APP_PASSWORD" \
    -f /reportsaga/roles.sql
