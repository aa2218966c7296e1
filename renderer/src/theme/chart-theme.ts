/**
 * The charts' surface (background, text, grid, scale borders) per theme, for lightweight-charts:
 * spread into createChart's options, then `followTheme` applies a theme change with applyOptions.
 * Series colours (candles, lines) read on both backgrounds and stay as they are.
 */
import { ColorType, type DeepPartial, type IChartApi, type ChartOptions } from 'lightweight-charts';
import type { Theme } from '../../../engine/api';
import { useAppearance } from './appearance';

const SURFACE: Record<Theme, { bg: string; text: string; grid: string; border: string }> = {
  dark: { bg: '#0e1116', text: '#c9d1d9', grid: '#1b2129', border: '#2a313c' },
  light: { bg: '#ffffff', text: '#1f2328', grid: '#eef1f4', border: '#d0d7de' },
};

export function chartSurface(theme: Theme = useAppearance.getState().theme): DeepPartial<ChartOptions> {
  const s = SURFACE[theme];
  return {
    layout: { background: { type: ColorType.Solid, color: s.bg }, textColor: s.text, attributionLogo: false },
    grid: { vertLines: { color: s.grid }, horzLines: { color: s.grid } },
    rightPriceScale: { borderColor: s.border },
    timeScale: { borderColor: s.border },
  };
}

/** Re-colours `chart` whenever the theme changes; returns the unsubscribe for the chart's cleanup. */
export function followTheme(chart: IChartApi): () => void {
  return useAppearance.subscribe((s, prev) => {
    if (s.theme !== prev.theme) chart.applyOptions(chartSurface(s.theme));
  });
}
