-- What operators asked, in order. An answer that held a product key is kept
-- sealed in answer_sealed, and answer holds its masked form.
CREATE TABLE attempt_questions (
    id            INTEGER PRIMARY KEY,
    attempt_id    INTEGER NOT NULL REFERENCES attempts (id),
    position      INTEGER NOT NULL CHECK (position >= 0),
    topic         TEXT    NOT NULL CHECK (topic IN ('installation_id_group', 'edition', 'purchase_type', 'box_colour',
                                                     'purchase_site', 'product_key', 'installed_count', 'other')),
    question      TEXT,
    answer        TEXT,
    answer_sealed BLOB,
    UNIQUE (attempt_id, position)
) STRICT;

CREATE INDEX attempt_questions_topic ON attempt_questions (topic, attempt_id);
