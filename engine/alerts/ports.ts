/**
 * What the alerts module reads from the rest of the engine, through one narrow port each, so
 * it never reaches into another module's internals.
 */
import type { SourceHealth, SourceKind } from '../api/commands/market';
import type { Timeframe } from '../api/timeframes';
import type { FeatureDemand, FeaturesEvent } from '../signals/module';

export interface RiskSnapshot {
  accountId: number;
  accountName: string;
  stage: string;
  drawdownPct: number;
  dailyPnlPct: number;
  equity: number;
  positions: Array<{ symbol: string; notional: number }>;
}

export interface AlertsPorts {
  sources(): Array<{ id: string; kind: SourceKind }>;
  symbols(source: string): string[] | Promise<string[]>;
  /** Engine time for a source's rules: the sim clock, a replay's position, wall time for exchanges. */
  clock(source: string, symbol?: string, timeframe?: Timeframe): number;
  health(): SourceHealth[] | Promise<SourceHealth[]>;
  /** Default account when `account` is omitted; throws for an unknown one. */
  risk(account?: number): RiskSnapshot;
  accountExists(id: number): boolean;
  goalExists(id: number): boolean;
  channelExists(id: number): boolean;
  strategies(): readonly string[];
  /** The feature engines the signals maintain: alerts add their demands and read each live bar. */
  features: {
    addFeatureReader(demand: () => FeatureDemand[], listener: (e: FeaturesEvent) => void): void;
    rebuild(): Promise<void>;
  };
}
