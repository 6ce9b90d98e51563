-- Idempotency claims carry a lease (API.md, issue 9): a claim whose work never finished can be
-- taken over once `lease_until` has passed, instead of blocking its key until the sweep.
-- `claim_token` names the request holding the claim, so a request whose claim was taken over
-- cannot store or release it any more. Existing rows have neither: an unfinished one is free.
ALTER TABLE idempotency_keys ADD COLUMN claim_token TEXT;
ALTER TABLE idempotency_keys ADD COLUMN lease_until TEXT;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Messages name the application they are about, so an API client (the mini-program) can route
-- to it without parsing the web path in `link`; its 办件编号 is read through it, so a message
-- written about a draft shows the number once the draft is submitted. Earlier messages learn
-- the application from their link (`/applications/{id}`).
ALTER TABLE messages ADD COLUMN application_id TEXT;
UPDATE messages SET application_id = substr(link, 15) WHERE link LIKE '/applications/%';
