-- Machine names are unique as people read them: `pc1`, `ＰＣ１` and `PC1`
-- are one name. `name_key` holds the name in the form it is compared in
-- (NFKC, lower case: domain::fields::name_key), written by the store with
-- every name, so that the check is one indexed look-up. SQL cannot compute
-- NFKC: rows from before this migration get their key from the store when
-- it opens the journal. The index is not UNIQUE, so that a journal holding
-- two such names already still opens; the store refuses new clashes.
ALTER TABLE machines ADD COLUMN name_key TEXT;
CREATE INDEX machines_live_name_key ON machines (name_key) WHERE archived_at IS NULL;
