import type { Migration } from './index';

/**
 * The AI second opinion recorded with a signal: `ai_review` holds the channel's review mode and
 * every provider's opinion (verdict, confidence, reasons, risks, status) as JSON; NULL when the
 * signal was not reviewed (existing rows, channels with aiReview off).
 */
export const m022SignalAiReview: Migration = {
  version: 22,
  name: 'signals: the AI review recorded with each signal',
  up(db) {
    db.exec('ALTER TABLE signals ADD COLUMN ai_review TEXT');
  },
};
