#!/bin/bash
# Create the user and databases that the opportunistic database tests use:
# user "openstack_citest", password "openstack_citest", database
# "openstack_citest", on the local MariaDB/MySQL and PostgreSQL servers.
#
# This is the OpenStack convention (oslo.db's test fixtures look for exactly
# these credentials).  Run it once on a machine with the servers; where a
# server is missing the tests of that backend are skipped, and this script
# says so and goes on with the other one.
#
# Environment: MYSQL_HOST (127.0.0.1), MYSQL_ROOT_PW (empty),
# PGHOST (127.0.0.1), PGUSER (postgres; trust or ~/.pgpass authentication).

set -u

DB_USER=openstack_citest
DB_PW=openstack_citest
status=0

mysql_host=${MYSQL_HOST:-127.0.0.1}
mysql_root=(mysql --host="$mysql_host" --user=root)
if [ -n "${MYSQL_ROOT_PW:-}" ]; then
    mysql_root+=(--password="$MYSQL_ROOT_PW")
fi

if ! command -v mysql >/dev/null 2>&1; then
    echo "test-setup: no mysql client; MySQL tests will be skipped"
elif ! "${mysql_root[@]}" -e 'SELECT 1' >/dev/null 2>&1; then
    echo "test-setup: no MySQL server at $mysql_host; MySQL tests will be skipped"
else
    # The fixtures create and drop a database per test run, so the user
    # needs every privilege, from both the TCP and the socket host names.
    "${mysql_root[@]}" <<SQL || status=1
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PW';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PW';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
FLUSH PRIVILEGES;
DROP DATABASE IF EXISTS openstack_citest;
CREATE DATABASE openstack_citest CHARACTER SET utf8mb4;
SQL
    echo "test-setup: MySQL user and database $DB_USER ready at $mysql_host"
fi

export PGHOST=${PGHOST:-127.0.0.1}
export PGUSER=${PGUSER:-postgres}
if ! command -v psql >/dev/null 2>&1; then
    echo "test-setup: no psql client; PostgreSQL tests will be skipped"
elif ! psql -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; then
    echo "test-setup: no PostgreSQL server at $PGHOST; PostgreSQL tests will be skipped"
else
    psql -v ON_ERROR_STOP=1 -d postgres <<SQL || status=1
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PW';
  ELSE
    ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PW';
  END IF;
END
\$\$;
DROP DATABASE IF EXISTS openstack_citest;
CREATE DATABASE openstack_citest OWNER $DB_USER;
SQL
    echo "test-setup: PostgreSQL user and database $DB_USER ready at $PGHOST"
fi

exit $status
