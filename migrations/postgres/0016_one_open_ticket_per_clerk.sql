-- 0016 (issue 14, from review): at most one called or serving ticket per clerk and day, so two
-- 叫下一位 of one clerk at the same moment (a double click, two tabs) cannot call two people to one
-- window; the loser is answered 409 ticket_open.
CREATE UNIQUE INDEX queue_tickets_one_open_per_clerk ON queue_tickets (clerk_id, day)
    WHERE state IN ('called', 'serving');
