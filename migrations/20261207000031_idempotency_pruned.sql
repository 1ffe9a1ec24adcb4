-- Idempotency records are kept a bounded time and pruned oldest first in
-- small batches: an index on when each was made lets a batch find its rows
-- without reading the whole table.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX cli_idempotency_keys_created ON cli_idempotency_keys (created_at);
