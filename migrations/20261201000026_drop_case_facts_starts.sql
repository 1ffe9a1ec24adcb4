-- Of migration 25's two date indexes, SQLite finds the cases straddling
-- either end of a range through `case_facts_ends` alone (cases ending after
-- `from`, or after `to`, read from that covering index; 10–20 ms at a
-- million attempts), and never chose `case_facts_starts`; yet every write
-- of an attempt paid for keeping it, in the writer that all writes wait behind.
DROP INDEX case_facts_starts;
