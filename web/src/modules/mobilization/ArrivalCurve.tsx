import { useEffect } from 'react';
import { useChart } from '../../shared/useChart';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useTranslation } from 'react-i18next';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

/** Cumulative arrivals over time, against the total expected and the deadline. */
export function ArrivalCurve({ curve, total, sentAt, deadline }: { curve: { at: string; arrived: number }[]; total: number; sentAt: string | null; deadline: string }) {
  const { t } = useTranslation();
  const { el, chart } = useChart();
  useEffect(() => {
    const start = sentAt ? new Date(sentAt).getTime() : Date.now();
    const end = Math.max(new Date(deadline).getTime(), Date.now());
    chart.current?.setOption({
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'time', min: start, max: end, splitNumber: 4, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', max: Math.max(total, 1), minInterval: 1 },
      series: [
        {
          type: 'line',
          step: 'end',
          name: t('mob.arrived'),
          showSymbol: false,
          areaStyle: { opacity: 0.15 },
          data: [[start, 0], ...curve.map((p) => [new Date(p.at).getTime(), p.arrived])],
          markLine: { symbol: 'none', data: [{ xAxis: new Date(deadline).getTime(), name: t('mob.deadlineLine'), label: { formatter: t('mob.deadlineLine') } }, { yAxis: total, label: { formatter: String(total) } }] },
        },
      ],
    });
  }, [curve, total, sentAt, deadline, t]);
  return <div ref={el} style={{ width: '100%', height: 240 }} />;
}
