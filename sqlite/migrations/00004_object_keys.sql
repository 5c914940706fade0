-- Object versions are found by a 64-bit key of their STIX id instead of
-- the id itself. The index of (id, version, spec_version) held some 75
-- bytes an entry; STIX ids are random (UUIDv4), so every batch of an
-- import rewrote most of its pages, and keeping it took 40 % of an
-- import. objects_by_key holds (id_key, version): about a third of the
-- size, compared as integers. Two ids may share a key, so every query
-- by id asks for both the key (for the index) and the id; no two rows
-- have the same (id, version, spec_version), which the store checks
-- before it inserts (the only writer is one transaction at a time).
--
-- id_key is the first 8 bytes of SHA-256(salt || id), read as a
-- big-endian signed integer. The salt is random per database, so that no
-- partner can make up ids that share a key and slow the node down. Rows
-- held before this migration get their key when the database next opens
-- (the store computes it; SQL cannot): their id_key is NULL until then.

-- +goose Up
CREATE TABLE object_key_salt (salt BLOB NOT NULL);
INSERT INTO object_key_salt (salt) VALUES (randomblob(16));
ALTER TABLE objects ADD COLUMN id_key INTEGER;
DROP INDEX objects_by_id;
CREATE INDEX objects_by_key ON objects (id_key, version);

-- +goose Down
DROP INDEX objects_by_key;
CREATE UNIQUE INDEX objects_by_id ON objects (id, version, spec_version);
ALTER TABLE objects DROP COLUMN id_key;
DROP TABLE object_key_salt;
