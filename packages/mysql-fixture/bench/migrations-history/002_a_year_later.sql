-- A year of small migrations on top of 001: what a real history looks like. A copy of the template pays
-- for the resulting tables only; replaying the history pays for every step again.
ALTER TABLE users ADD COLUMN locale VARCHAR(10) NOT NULL DEFAULT 'en';
ALTER TABLE users ADD COLUMN last_seen_at TIMESTAMP NULL;
ALTER TABLE users ADD INDEX users_last_seen (last_seen_at);
ALTER TABLE accounts ADD COLUMN frozen BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts MODIFY balance DECIMAL(20, 4) NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN archived_at TIMESTAMP NULL;
ALTER TABLE conversations ADD INDEX conversations_archived (archived_at);
ALTER TABLE messages ADD COLUMN edited_at TIMESTAMP(3) NULL;
ALTER TABLE messages ADD COLUMN reply_to BIGINT NULL;
ALTER TABLE messages ADD CONSTRAINT messages_reply FOREIGN KEY (reply_to) REFERENCES messages (id);
CREATE TABLE attachments_old (id BIGINT PRIMARY KEY, message_id BIGINT NOT NULL, url TEXT NOT NULL);
CREATE TABLE attachments (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  message_id BIGINT NOT NULL,
  url VARCHAR(500) NOT NULL,
  FOREIGN KEY (message_id) REFERENCES messages (id)
);
INSERT INTO attachments (id, message_id, url) SELECT id, message_id, url FROM attachments_old;
DROP TABLE attachments_old;
ALTER TABLE transfers ADD COLUMN status ENUM('pending', 'done', 'failed') NOT NULL DEFAULT 'pending';
ALTER TABLE transfers ADD INDEX transfers_status (status);
ALTER TABLE audit_log ADD COLUMN request_id VARCHAR(64) NULL;
ALTER TABLE audit_log ADD INDEX audit_request (request_id);
UPDATE settings SET value = '1000' WHERE name = 'max_members';
INSERT INTO settings (name, value) VALUES ('edit_window_s', '900');
INSERT INTO schema_version (version) VALUES (2);
