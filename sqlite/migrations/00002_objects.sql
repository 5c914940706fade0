-- +goose Up

-- objects holds every version of every STIX object the node holds, kept
-- byte for byte in raw. added is the version's date_added in the home
-- collection, in microseconds since the Unix epoch: unique and increasing
-- (after the greatest held, and not before now), so that TAXII pages by it
-- without gaps or repeats. version is the STIX modified (or created) time in nanoseconds,
-- 0 for objects with neither. A version deleted from the home collection
-- keeps its row, with withdrawn set: history is append-only. superseded
-- is set once a later version (or spec version) of the object is held:
-- a page looks for the last version only among those that have one.
CREATE TABLE objects (
	added           INTEGER PRIMARY KEY,
	id              TEXT NOT NULL,
	type            TEXT NOT NULL,
	spec_version    TEXT NOT NULL,
	version         INTEGER NOT NULL,
	raw             BLOB NOT NULL,
	marking         TEXT NOT NULL,
	class_rank      INTEGER NOT NULL,
	origin          TEXT NOT NULL,
	product_id      TEXT,
	product_version INTEGER,
	refs            TEXT NOT NULL,
	withdrawn       INTEGER,
	superseded      INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX objects_by_id ON objects (id, version, spec_version);
CREATE INDEX objects_by_type ON objects (type, added);
CREATE INDEX objects_by_product ON objects (product_id, product_version) WHERE product_id IS NOT NULL;
CREATE INDEX objects_withdrawn ON objects (added) WHERE withdrawn IS NOT NULL;

-- object_audience is each partner organisation's collection: the object
-- versions that reached it (disseminated with a product, or given by it),
-- with their date_added in that collection.
CREATE TABLE object_audience (
	org_id       TEXT NOT NULL,
	added        INTEGER NOT NULL,
	object_added INTEGER NOT NULL REFERENCES objects (added),
	withdrawn    INTEGER,
	PRIMARY KEY (org_id, added)
) WITHOUT ROWID;
CREATE UNIQUE INDEX object_audience_once ON object_audience (org_id, object_added);
CREATE INDEX object_audience_withdrawn ON object_audience (org_id) WHERE withdrawn IS NOT NULL;

-- shared_through is, per partner organisation, the holding time up to
-- which its collection holds the STIX objects of the products it holds:
-- collections are brought up to date from the holdings when read.
CREATE TABLE shared_through (
	org_id TEXT NOT NULL PRIMARY KEY,
	at     INTEGER NOT NULL
);

-- import_status keeps the TAXII status resource of each add request.
CREATE TABLE import_status (
	id         TEXT NOT NULL PRIMARY KEY,
	org_id     TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	status     TEXT NOT NULL
);

-- +goose Down
DROP TABLE import_status;
DROP TABLE shared_through;
DROP TABLE object_audience;
DROP TABLE objects;
