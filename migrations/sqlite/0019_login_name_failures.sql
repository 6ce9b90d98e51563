-- 0019 login name failures (SQLite). Same numbering and meaning as migrations/postgres.
-- Failed logins are counted per login name for every name, not only unknown ones: an account's
-- phone and ID number counted together told whether the two belong to the same person. The
-- table of 0018 keeps its rows and now holds every name's count.
ALTER TABLE unknown_login_failures RENAME TO login_name_failures;
