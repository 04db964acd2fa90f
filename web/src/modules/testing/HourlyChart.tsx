import { useEffect } from 'react';
import { useChart } from '../../shared/useChart';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** Swabs per hour over the last day: the sampling rate. */
export function HourlyChart({ hourly }: { hourly: { hour: string; swabs: number }[] }) {
  const { el, chart } = useChart();
  useEffect(() => {
    chart.current?.setOption({
      grid: { left: 48, right: 12, top: 12, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: hourly.map((h) => new Date(h.hour).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' })) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: hourly.map((h) => h.swabs), itemStyle: { color: '#b71c1c' } }],
    });
  }, [hourly]);
  return <div ref={el} style={{ width: '100%', height: 200 }} />;
}
