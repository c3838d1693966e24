/**
 * Requests per day as a small SVG bar chart, drawn by hand (no chart library). The picture has a text summary
 * as its accessible name, and the numbers are also there as a table for anyone who cannot see the bars.
 */
import type { UsageSeries } from '../api/types.js';

const BAR_WIDTH = 10;
const BAR_GAP = 2;
const CHART_HEIGHT = 60;

function summary(series: UsageSeries): string {
  const days = series.days.length;
  if (series.total === 0) return `No requests in the last ${days} days.`;
  let peak = series.days[0];
  for (const day of series.days) if (peak === undefined || day.count > peak.count) peak = day;
  const peakText = peak ? `, most on ${peak.day} (${peak.count})` : '';
  return `${series.total} request${series.total === 1 ? '' : 's'} in the last ${days} days${peakText}.`;
}

export function UsageChart(props: { series: UsageSeries; title: string }) {
  const { series } = props;
  const max = Math.max(1, ...series.days.map((day) => day.count));
  const width = Math.max(1, series.days.length) * BAR_WIDTH;
  const text = summary(series);
  return (
    <figure class="usage">
      <figcaption>
        <strong>{props.title}</strong> <span class="muted">{text}</span>
      </figcaption>
      <svg
        class="usage-chart"
        viewBox={`0 0 ${width} ${CHART_HEIGHT + 1}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${props.title}: ${text}`}
      >
        <line x1="0" y1={CHART_HEIGHT + 0.5} x2={width} y2={CHART_HEIGHT + 0.5} class="axis" />
        {series.days.map((day, index) => {
          const height = day.count === 0 ? 0 : Math.max(1, (day.count / max) * CHART_HEIGHT);
          return (
            <rect
              key={day.day}
              x={index * BAR_WIDTH + BAR_GAP / 2}
              y={CHART_HEIGHT - height}
              width={BAR_WIDTH - BAR_GAP}
              height={height}
              class="bar"
            >
              <title>{`${day.day}: ${day.count}`}</title>
            </rect>
          );
        })}
      </svg>
      <div class="usage-axis muted" aria-hidden="true">
        <span>{series.days[0]?.day}</span>
        <span>{series.days[series.days.length - 1]?.day}</span>
      </div>
      <details>
        <summary>Show as a table</summary>
        <table class="compact">
          <caption class="visually-hidden">{props.title}, requests per day</caption>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col">Requests</th>
            </tr>
          </thead>
          <tbody>
            {series.days.map((day) => (
              <tr key={day.day}>
                <td>{day.day}</td>
                <td class="number">{day.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
