-- The number dialled for an attempt, as the caller typed it (normalised:
-- ASCII digits, spaces, + - ( )); optional. Searched with the attempt's text.
ALTER TABLE attempts ADD COLUMN phone_number TEXT
    CHECK (phone_number IS NULL OR length(phone_number) BETWEEN 4 AND 40);
