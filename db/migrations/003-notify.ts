import type { Migration } from './index';

export const m003Notify: Migration = {
  version: 3,
  name: 'notifications with delivery records',
  up(db) {
    db.exec(`
      CREATE TABLE notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        ref_type TEXT,
        ref_id TEXT,
        actions TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        delivered_at INTEGER,
        delivery_channel TEXT,
        delivery_latency_ms INTEGER,
        read_at INTEGER
      );
      CREATE INDEX notifications_created ON notifications (created_at);
      CREATE INDEX notifications_ref ON notifications (ref_type, ref_id);
    `);
  },
};
