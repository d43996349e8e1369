-- Runs once, when the temporal-postgres volume is initialised (POSTGRES_DB creates `temporal` itself):
-- Temporal keeps workflow state and visibility records in two databases.
CREATE DATABASE temporal_visibility;
