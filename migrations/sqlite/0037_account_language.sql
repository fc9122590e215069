-- The language an account reads Chipin in: pages when signed in, and every email it is sent.
-- A language tag Chipin has translations for ('en', 'ko'); null until the person signs up or
-- picks one (pages then follow the language cookie or the browser's Accept-Language).
alter table users add column language text;
