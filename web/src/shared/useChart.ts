import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { FONT, SELF_HOSTED_FONT } from './font';

/**
 * An ECharts instance on a div, resized with the window and disposed with the component. Its text
 * is drawn in the pages' font list: a canvas draws a face only once it is loaded (a glyph drawn
 * before falls back, as □ where the machine has no CJK font), so the chart is drawn again when
 * the self-hosted face has come.
 */
export function useChart() {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const c = echarts.init(el.current!);
    c.setOption({ textStyle: { fontFamily: FONT } });
    chart.current = c;
    // the charts' labels: Chinese words and digits (the face comes in subsets by unicode-range)
    void document.fonts.load(`12px "${SELF_HOSTED_FONT}"`, '时限到岗采样0123456789').then(() => {
      if (c.isDisposed()) return;
      c.setOption(c.getOption(), { notMerge: true });
    }, () => {});
    const onResize = () => chart.current?.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      c.dispose();
    };
  }, []);
  return { el, chart };
}
