-- Roles for LaborBridge on PostgreSQL (run once as a superuser; see docs/operations.md).
-- The owner runs migrations and operator commands; the app connects as laborbridge_web,
-- a member of the group role laborbridge_app that the migrations grant table rights to.
-- Neither is a superuser nor has BYPASSRLS: row-level security applies to both.
CREATE ROLE laborbridge_owner LOGIN PASSWORD 'change-me-three' NOSUPERUSER NOBYPASSRLS;
CREATE ROLE laborbridge_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
CREATE ROLE laborbridge_web LOGIN PASSWORD 'change-me-too' NOSUPERUSER NOBYPASSRLS IN ROLE laborbridge_app;
CREATE DATABASE laborbridge OWNER laborbridge_owner;
