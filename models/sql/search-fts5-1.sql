-- The text index of schema version 1, made when SQLite has FTS5 (checked when the store opens).
-- It indexes event_text (external content: the text is stored once, there). The trigram tokenizer
-- makes `text LIKE '%word%'` an index look-up for words of three characters or more, in any
-- script (CJK needs no spaces). SQLite checks each candidate with LIKE itself, so detail = 'none'
-- (no positions: a third of the size, twice the insert speed) loses nothing.
CREATE VIRTUAL TABLE event_text_index USING fts5 (
    text, content = 'event_text', content_rowid = 'id', tokenize = 'trigram', detail = 'none'
);

-- Merge index segments 16 at a time rather than 4: less merging work on every commit (about 10%
-- more events/s committed) for slightly more segments to look through when searching.
INSERT INTO event_text_index (event_text_index, rank) VALUES ('automerge', 16);
