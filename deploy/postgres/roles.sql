-- ReportSaga's PostgreSQL database and roles: an owner that applies the migrations (the `migrate` verb) and a service
-- role that reads and writes rows but cannot change the schema (the replicas, with Storage__MigrateOnStartup=false).
--
-- Run with psql as a superuser (or your provider's admin role), once per database; running it again changes nothing
-- but the passwords:
--   psql "host=HOST user=postgres dbname=postgres" -v ON_ERROR_STOP=1 \
--     -v database=reportsaga -v owner_role=reportsaga_owner -v app_role=reportsaga_app \
--     -v owner_password="$OWNER_PASSWORD" -v app_password="$APP_PASSWORD" -f deploy/postgres/roles.sql
-- psql prints no statement, so the passwords stay out of its output; a server that logs DDL (log_statement = ddl or
-- all) writes them to its log like any ALTER ROLE ... PASSWORD.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I', :'owner_role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner_role') \gexec
SELECT format('CREATE ROLE %I', :'app_role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'owner_role', :'owner_password') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'app_role', :'app_password') \gexec

SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'owner_role')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'database', :'owner_role') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'database', :'app_role') \gexec
-- A transaction the service leaves open (a bug, a process frozen mid-consume) would hold its row locks and stall those
-- reports: the server ends the service's sessions that sit idle in a transaction for 5 minutes. The service's own
-- transactions never wait that long (the longest, a scheduler or outbox batch waiting on the broker, is bounded by its
-- 10 s send timeouts). Set on the role in this database, so no connection-string option is needed (PgBouncer refuses
-- those).
SELECT format('ALTER ROLE %I IN DATABASE %I SET idle_in_transaction_session_timeout = %L', :'app_role', :'database', '5min') \gexec

\connect :"database"
-- The owner creates the tables; nobody else may create anything in the schema (PostgreSQL 14 and older let every
-- role create in public by default).
ALTER SCHEMA public OWNER TO :"owner_role";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_role";
-- Rows only, in the tables that exist and in those later migrations create (the owner runs them).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
