-- Films the catalogue knows: reviewed ones and the ones only named (Keep Exploring, film lists).
CREATE TABLE films (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,            -- as people write it: "The Three Musketeers"
    title_key   TEXT    NOT NULL,            -- bot.core.titles.title_key(title)
    year        INTEGER,
    created_at  TEXT    NOT NULL
);
-- One row per title and year; a missing year counts as its own value.
CREATE UNIQUE INDEX films_by_key_and_year ON films (title_key, coalesce(year, 0));

CREATE TABLE film_aliases (
    film_id   INTEGER NOT NULL REFERENCES films (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    alias     TEXT    NOT NULL,
    PRIMARY KEY (film_id, position)
);

CREATE TABLE reviews (
    id                 INTEGER PRIMARY KEY,
    film_id            INTEGER NOT NULL UNIQUE REFERENCES films (id),
    tagline            TEXT,
    director           TEXT,
    full_text          TEXT    NOT NULL,
    summary            TEXT    NOT NULL,
    summary_authored   INTEGER NOT NULL DEFAULT 0,
    word_count         INTEGER NOT NULL,
    terms              TEXT    NOT NULL DEFAULT '{}',   -- JSON: distinctive term -> weight
    source             TEXT,
    content_hash       TEXT    NOT NULL,
    added_by           TEXT    NOT NULL,
    added_at           TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE review_sections (
    review_id  INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    heading    TEXT,
    body       TEXT    NOT NULL,
    PRIMARY KEY (review_id, position)
);

CREATE TABLE keep_exploring (
    review_id  INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    film_id    INTEGER NOT NULL REFERENCES films (id),
    PRIMARY KEY (review_id, position)
);
CREATE INDEX keep_exploring_by_film ON keep_exploring (film_id);

-- Full-text search over reviews; rowid is reviews.id.
CREATE VIRTUAL TABLE review_search USING fts5 (
    title, tagline, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,            -- added, updated, removed, imported
    film_id     INTEGER,
    film_label  TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_time ON audit_log (at);
