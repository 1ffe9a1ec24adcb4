-- Licenses. The product key is sealed (XChaCha20-Poly1305 with the key
-- file); only its last five characters are kept in clear, as Microsoft's
-- own tools show them.
CREATE TABLE licenses (
    id                 INTEGER PRIMARY KEY,
    product            TEXT    NOT NULL CHECK (length(product) >= 1),
    edition            TEXT,
    channel            TEXT    NOT NULL CHECK (channel IN ('retail_box', 'retail_download', 'oem', 'volume_mak',
                                                          'volume_kms', 'digital', 'other')),
    purchased_from     TEXT,
    purchased_on       TEXT    CHECK (purchased_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    box_colour         TEXT,
    product_key_sealed BLOB,
    product_key_last5  TEXT    CHECK (length(product_key_last5) = 5),
    product_key_checks INTEGER CHECK (product_key_checks IN (0, 1)),
    notes              TEXT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    archived_at        TEXT,
    CHECK ((product_key_sealed IS NULL) = (product_key_last5 IS NULL))
) STRICT;
