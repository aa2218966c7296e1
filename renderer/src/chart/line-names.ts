/**
 * Names of the lines drawn on the chart, for the crosshair readout. The series themselves carry
 * no title: a title is drawn beside the price axis, and the axis keeps only the price and the
 * selected signal's or order's labels.
 */
import type { ISeriesApi, SeriesType } from 'lightweight-charts';

const names = new WeakMap<ISeriesApi<SeriesType>, { title: string; color: string }>();

export function nameLine(series: ISeriesApi<SeriesType>, title: string, color: string): void {
  if (title) names.set(series, { title, color });
}

export function lineName(series: ISeriesApi<SeriesType>): { title: string; color: string } | undefined {
  return names.get(series);
}
