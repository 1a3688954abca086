-- A 10-table schema for the benchmark: foreign keys, secondary indexes, a few seed rows.
CREATE TABLE users (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(190) NOT NULL UNIQUE,
  name VARCHAR(100) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;

CREATE TABLE accounts (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  currency CHAR(3) NOT NULL,
  balance DECIMAL(18, 2) NOT NULL DEFAULT 0,
  FOREIGN KEY (user_id) REFERENCES users (id),
  INDEX accounts_currency (currency)
) ENGINE=InnoDB;

CREATE TABLE conversations (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  created_by BIGINT NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (created_by) REFERENCES users (id)
) ENGINE=InnoDB;

CREATE TABLE members (
  conversation_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  role ENUM('owner', 'member') NOT NULL DEFAULT 'member',
  PRIMARY KEY (conversation_id, user_id),
  FOREIGN KEY (conversation_id) REFERENCES conversations (id),
  FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

CREATE TABLE messages (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  conversation_id BIGINT NOT NULL,
  sender_id BIGINT NOT NULL,
  body TEXT NOT NULL,
  sent_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  FOREIGN KEY (conversation_id) REFERENCES conversations (id),
  FOREIGN KEY (sender_id) REFERENCES users (id),
  INDEX messages_by_time (conversation_id, sent_at)
) ENGINE=InnoDB;

CREATE TABLE receipts (
  message_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  read_at TIMESTAMP NULL,
  PRIMARY KEY (message_id, user_id),
  FOREIGN KEY (message_id) REFERENCES messages (id),
  FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB;

CREATE TABLE transfers (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  from_account BIGINT NOT NULL,
  to_account BIGINT NOT NULL,
  amount DECIMAL(18, 2) NOT NULL,
  idempotency_key VARCHAR(64) NOT NULL UNIQUE,
  FOREIGN KEY (from_account) REFERENCES accounts (id),
  FOREIGN KEY (to_account) REFERENCES accounts (id)
) ENGINE=InnoDB;

CREATE TABLE audit_log (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  actor BIGINT NULL,
  action VARCHAR(50) NOT NULL,
  payload JSON NULL,
  at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  INDEX audit_by_action (action, at)
) ENGINE=InnoDB;

CREATE TABLE settings (
  name VARCHAR(100) PRIMARY KEY,
  value VARCHAR(500) NOT NULL
) ENGINE=InnoDB;

CREATE TABLE schema_version (
  version INT PRIMARY KEY,
  applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;

INSERT INTO settings (name, value) VALUES ('max_members', '500'), ('retention_days', '30');
INSERT INTO schema_version (version) VALUES (1);
