/** A canvas sparkline: one path, redrawn only when its points change (no DOM per point). */
import { memo, useEffect, useRef } from 'react';

export const SPARK_W = 52;
export const SPARK_H = 18;

export const Sparkline = memo(function Sparkline({ points, title }: { points: readonly number[]; title: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== SPARK_W * dpr) {
      c.width = SPARK_W * dpr;
      c.height = SPARK_H * dpr;
    }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, SPARK_W, SPARK_H);
    if (points.length < 2) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of points) {
      if (p < lo) lo = p;
      if (p > hi) hi = p;
    }
    const span = hi - lo || 1;
    const dx = (SPARK_W - 2) / (points.length - 1);
    g.beginPath();
    points.forEach((p, i) => {
      const x = 1 + i * dx;
      const y = 1 + (SPARK_H - 2) * (1 - (p - lo) / span);
      if (i === 0) g.moveTo(x, y);
      else g.lineTo(x, y);
    });
    g.lineWidth = 1.2;
    g.strokeStyle = points[points.length - 1]! >= points[0]! ? '#26a69a' : '#ef5350';
    g.stroke();
  }, [points]);
  return <canvas ref={ref} className="wl-spark" style={{ width: SPARK_W, height: SPARK_H }} aria-label={title} title={title} data-points={points.length} />;
});
