-- 0013 activation codes for offline records. Same numbering and meaning on both engines.
-- A registration takes over an offline record (0012) only with the one-time 网上激活码 the window
-- handed the person on paper: the name and phone alone are facts others may know. Only the code's
-- SHA-256 is kept; a new window visit issues a new code, and the take-over clears it.
ALTER TABLE citizens ADD COLUMN activation_code_hash TEXT;
