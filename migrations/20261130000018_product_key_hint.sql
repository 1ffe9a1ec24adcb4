-- The last five characters of a key are not secret (Windows shows them),
-- so an export without secrets keeps them, and an import of such an export
-- keeps them too, without the key itself. `product_key_last5` goes with a
-- sealed key (a CHECK of migration 3 says so); the last five known without
-- a key are kept here instead.
ALTER TABLE licenses ADD COLUMN product_key_hint TEXT
    CHECK (product_key_hint IS NULL OR (length(product_key_hint) = 5 AND product_key_sealed IS NULL));
