-- Threat priorities and coverage. Each organisation's priorities, and its
-- coverage, are set as a whole that replaces the previous set. Replaced
-- rows are kept with superseded_at set to when the next set replaced
-- them, so that the set in force at any time t is the rows with
-- set_at <= t and (superseded_at IS NULL or superseded_at > t); the
-- current set is the rows whose superseded_at is NULL, which a partial
-- index serves (a query of the history, when one is written, will want
-- an index on (org_id, set_at) of its own). seq keeps rows distinct when
-- two sets share a time.

-- +goose Up
CREATE TABLE threat_priorities (
	seq           INTEGER PRIMARY KEY,
	org_id        TEXT NOT NULL,
	topic         TEXT NOT NULL,
	rank          INTEGER NOT NULL CHECK (rank >= 1),
	note          TEXT NOT NULL,
	set_by        TEXT NOT NULL,
	set_at        INTEGER NOT NULL,
	superseded_at INTEGER
);
CREATE INDEX threat_priorities_current ON threat_priorities (org_id, rank) WHERE superseded_at IS NULL;

CREATE TABLE coverage (
	seq           INTEGER PRIMARY KEY,
	org_id        TEXT NOT NULL,
	topic         TEXT NOT NULL,
	discipline    TEXT NOT NULL,
	capability    INTEGER NOT NULL CHECK (capability BETWEEN 0 AND 3),
	note          TEXT NOT NULL,
	set_by        TEXT NOT NULL,
	set_at        INTEGER NOT NULL,
	superseded_at INTEGER
);
CREATE INDEX coverage_current ON coverage (org_id, topic, discipline) WHERE superseded_at IS NULL;

-- threat_sets records, per organisation and kind ('priorities' or
-- 'coverage'), when its current set was made: a set may be empty (one
-- that clears), and the next one must not be dated before it.
CREATE TABLE threat_sets (
	org_id TEXT NOT NULL,
	kind   TEXT NOT NULL,
	set_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, kind)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE threat_sets;
DROP TABLE coverage;
DROP TABLE threat_priorities;
