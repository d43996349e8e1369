#!/bin/sh
# One-shot (compose service temporal-schema): brings Temporal's two databases to the schema version the
# server release in docker-compose.yml needs. Safe on every `up`: an up-to-date schema is left alone and
# an upgrade applies only the newer versions. temporal-sql-tool reads the password from SQL_PASSWORD.
set -eu

sql() {
  temporal-sql-tool --plugin "$DB" --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}
versions=/etc/temporal/schema/postgresql/v12

sql --db temporal setup-schema -v 0.0
sql --db temporal update-schema -d "$versions/temporal/versioned"
sql --db temporal_visibility setup-schema -v 0.0
sql --db temporal_visibility update-schema -d "$versions/visibility/versioned"
echo "Temporal schemas are up to date"
