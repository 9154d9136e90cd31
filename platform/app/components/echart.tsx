/**
 * An ECharts chart. ECharts draws on a canvas in the browser only, so it is loaded on mount
 * (the server renders an empty box of the same size); callers memoise `option`.
 */
import { useEffect, useRef } from 'react';
import type { EChartsOption } from 'echarts';

export function EChart({ option, height = 260, testId }: { option: EChartsOption; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart: { setOption(o: EChartsOption): void; resize(): void; dispose(): void } | undefined;
    void import('echarts').then((echarts) => {
      if (disposed || !box.current) return;
      chart = echarts.init(box.current);
      chart.setOption(option);
    });
    const resize = () => chart?.resize();
    window.addEventListener('resize', resize);
    return () => {
      disposed = true;
      window.removeEventListener('resize', resize);
      chart?.dispose();
    };
  }, [option]);
  return <div ref={box} style={{ width: '100%', height }} data-testid={testId} />;
}
