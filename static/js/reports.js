// Statistics charts (Apache ECharts, vendored). Data comes from <script type="application/json"
// id="reports-charts"> written by json_script; no inline scripts (the Content-Security-Policy forbids them).
(function () {
  "use strict";
  var source = document.getElementById("reports-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var blue = "#1f4e8c", green = "#198754", orange = "#fd7e14", grey = "#6c757d";
  var charts = [];

  function init(name, option) {
    var el = document.querySelector('[data-chart="' + name + '"]');
    if (!el) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false }, option));
    charts.push(chart);
    el.setAttribute("data-rendered", "true");
  }

  function bars(name, series, colour) {
    init(name, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 10, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: series.labels, axisLabel: { width: 150, overflow: "truncate" } },
      series: [{ type: "bar", data: series.values, itemStyle: { color: colour }, label: { show: true, position: "right" } }]
    });
  }

  bars("kind", data.kind, blue);
  bars("department", data.department, green);
  bars("priority", data.priority, orange);
  init("scope", {
    tooltip: { trigger: "item", formatter: "{b}: {c}（{d}%）" },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.scope.labels.map(function (l, i) {
      return { name: l, value: data.scope.values[i] };
    }), label: { formatter: "{b}\n{c}", fontSize: 11 } }]
  });
  init("sla", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(1) + "%"; } },
    legend: { data: ["按时解决率", "按时响应率"], top: 0 },
    grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.sla.labels, axisLabel: { interval: 0, rotate: data.sla.labels.length > 4 ? 30 : 0 } },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "按时解决率", type: "bar", data: data.sla.resolve, itemStyle: { color: blue } },
      { name: "按时响应率", type: "bar", data: data.sla.respond, itemStyle: { color: green } }
    ]
  });
  init("workload", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: ["解决请求", "日志工时"], top: 0 },
    grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.workload.labels },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", splitLine: { show: false } }],
    series: [
      { name: "解决请求", type: "bar", data: data.workload.resolved, itemStyle: { color: blue } },
      { name: "日志工时", type: "bar", yAxisIndex: 1, data: data.workload.log_hours, itemStyle: { color: grey } }
    ]
  });
  if (data.trend) {
    init("trend", {
      tooltip: { trigger: "axis" },
      legend: { data: ["提交", "解决"], top: 0 },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "提交", type: "line", data: data.trend.opened, itemStyle: { color: blue } },
        { name: "解决", type: "line", data: data.trend.resolved, itemStyle: { color: green } }
      ]
    });
  }
  init("attendance", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(1) + "%"; } },
    grid: { left: 8, right: 16, top: 10, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.attendance.labels },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ type: "line", data: data.attendance.ratios, itemStyle: { color: green }, connectNulls: false }]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
