-- Search (GET /api/v1/search, `activation-journal search`): one document
-- per machine, license, case, attempt and follow-up, holding its text
-- (names, notes, questions, answers that are not keys, follow-up texts) in
-- the form it is searched in (NFKC: `ＰＣ１` is found by `pc1`). SQL cannot
-- compute NFKC, so the store writes the documents, in the write's own
-- transaction (store/search.rs); rows from before this migration are
-- indexed when the store opens the journal.
--
-- `search_docs.id` is the document's rowid in `search_text`: it grows as
-- rows are written, so "newest first" is the full-text index's own order
-- (ORDER BY rowid DESC stops after one page, however many rows match).
CREATE TABLE search_docs (
    id        INTEGER PRIMARY KEY,
    entity    TEXT    NOT NULL CHECK (entity IN ('machine', 'license', 'case', 'attempt', 'follow_up')),
    entity_id INTEGER NOT NULL,
    UNIQUE (entity, entity_id)
) STRICT;

-- The trigram tokenizer finds any run of three or more characters, which
-- is what Japanese text (no spaces between words) needs; case is folded.
CREATE VIRTUAL TABLE search_text USING fts5 (body, tokenize = 'trigram');
