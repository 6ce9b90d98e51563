-- One counter mechanism (issue 10): case numbers come from `counters` like every other sequence,
-- under the scope `case:<item code>:<yyyyMMdd>`. The daily sequences reached so far move over, so
-- today's next number follows the last one issued; then their own table goes. (`WHERE true`
-- keeps SQLite from reading ON CONFLICT as part of the SELECT.)
INSERT INTO counters (scope, value)
    SELECT 'case:' || item_code || ':' || day, last FROM case_sequences WHERE true
    ON CONFLICT (scope) DO UPDATE SET value = excluded.value;
DROP TABLE case_sequences;
