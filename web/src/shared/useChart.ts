import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';

/** An ECharts instance on a div, resized with the window and disposed with the component. */
export function useChart() {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    chart.current = echarts.init(el.current!);
    const onResize = () => chart.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
    };
  }, []);
  return { el, chart };
}
