import type { Migration } from './index';

/**
 * Orders: accounts, intents (UNIQUE idempotency key, persisted before anything is sent),
 * orders (UNIQUE client order id), fills, positions and equity snapshots. Money and quantities
 * are TEXT decimal strings, never REAL.
 */
export const m005Orders: Migration = {
  version: 5,
  name: 'orders: accounts, intents, orders, fills, positions, equity',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('paper', 'live')),
        exchange TEXT,
        source TEXT NOT NULL,
        quote_currency TEXT NOT NULL DEFAULT 'USDT',
        maker_fee_bps REAL NOT NULL DEFAULT 10,
        taker_fee_bps REAL NOT NULL DEFAULT 10,
        slippage_bps REAL NOT NULL DEFAULT 5,
        starting_balance TEXT NOT NULL DEFAULT '0',
        cash TEXT NOT NULL DEFAULT '0',
        live_enabled INTEGER NOT NULL DEFAULT 0,
        is_default INTEGER NOT NULL DEFAULT 0,
        keys_enc TEXT,
        urls TEXT,
        risk TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE order_intents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        idempotency_key TEXT NOT NULL UNIQUE,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        signal_id INTEGER,
        origin TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        type TEXT NOT NULL,
        request TEXT NOT NULL,
        amount TEXT,
        price TEXT,
        stop_price TEXT,
        stop_loss TEXT,
        take_profit TEXT,
        client_order_id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'sending', 'done')),
        decision TEXT CHECK (decision IN ('EXECUTED', 'FAILED', 'SKIPPED')),
        reason_code TEXT,
        reason_message TEXT,
        exchange_error TEXT,
        order_id INTEGER,
        created_at INTEGER NOT NULL,
        decided_at INTEGER
      );
      CREATE INDEX order_intents_created ON order_intents (created_at);
      CREATE INDEX order_intents_signal ON order_intents (signal_id);
      CREATE INDEX order_intents_status ON order_intents (status);
      CREATE TABLE orders (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        intent_id INTEGER REFERENCES order_intents(id),
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        client_order_id TEXT NOT NULL UNIQUE,
        exchange_order_id TEXT,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        type TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT 'entry',
        amount TEXT NOT NULL,
        price TEXT,
        stop_price TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'filled', 'canceled', 'rejected')),
        triggered INTEGER NOT NULL DEFAULT 0,
        filled TEXT NOT NULL DEFAULT '0',
        avg_price TEXT,
        fee TEXT NOT NULL DEFAULT '0',
        oco_group TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX orders_open ON orders (status, account_id);
      CREATE INDEX orders_oco ON orders (oco_group);
      CREATE TABLE fills (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id INTEGER NOT NULL REFERENCES orders(id),
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        amount TEXT NOT NULL,
        price TEXT NOT NULL,
        fee TEXT NOT NULL,
        realized_pnl TEXT NOT NULL DEFAULT '0',
        ts INTEGER NOT NULL
      );
      CREATE INDEX fills_account_ts ON fills (account_id, ts);
      CREATE TABLE positions (
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        symbol TEXT NOT NULL,
        qty TEXT NOT NULL,
        avg_entry TEXT NOT NULL,
        realized_pnl TEXT NOT NULL DEFAULT '0',
        fees TEXT NOT NULL DEFAULT '0',
        stop_loss TEXT,
        take_profit TEXT,
        opened_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, symbol)
      );
      CREATE TABLE equity_snapshots (
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        ts INTEGER NOT NULL,
        equity TEXT NOT NULL,
        cash TEXT NOT NULL,
        unrealized_pnl TEXT NOT NULL,
        PRIMARY KEY (account_id, ts)
      ) WITHOUT ROWID;
    `);
  },
};
