-- Runs once, when the postgres volume is first created (docker-entrypoint-initdb.d).
-- The Airflow metadata database ("airflow") comes from POSTGRES_DB; this adds the
-- newsdesk staging database with a role of its own, so newsdesk never touches Airflow's
-- tables. Change the password for anything but a local try-out (see docs/deployment.md)
-- and keep NEWSDESK_DB_URL in docker-compose.yml in step.
CREATE ROLE newsdesk WITH LOGIN PASSWORD 'newsdesk';
CREATE DATABASE newsdesk OWNER newsdesk;
