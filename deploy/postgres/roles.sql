-- Roles for LaborBridge on PostgreSQL (run once as a superuser; see docs/operations.md).
-- The owner runs migrations and operator commands; the app connects as laborbridge_web,
-- a member of the group role laborbridge_app that the migrations grant table rights to.
-- Neither is a superuser nor has BYPASSRLS: row-level security applies to both.
CREATE ROLE laborbridge_owner LOGIN PASSWORD 'change-me-three' NOSUPERUSER NOBYPASSRLS;
CREATE ROLE laborbridge_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
CREATE ROLE laborbridge_web LOGIN PASSWORD 'change-me-too' NOSUPERUSER NOBYPASSRLS IN ROLE laborbridge_app;
-- Logical backups (`laborbridge db backup`): read-only, and BYPASSRLS so that pg_dump sees
-- every tenant's rows (row security is forced, so even the owner sees none without a
-- tenant set). pg_read_all_data (PostgreSQL 14+) is SELECT on every table and sequence,
-- present and future, whoever creates them, and USAGE on the schemas; no write right.
CREATE ROLE laborbridge_backup LOGIN PASSWORD 'change-me-four' NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE;
GRANT pg_read_all_data TO laborbridge_backup;
CREATE DATABASE laborbridge OWNER laborbridge_owner;
