// Draws every chart on the page: an element with data-chart names the json_script holding its ECharts option.
(() => {
  if (typeof echarts === "undefined") return;
  const charts = [];
  document.querySelectorAll("[data-chart]").forEach((el) => {
    const source = document.getElementById(el.dataset.chart);
    if (!source) return;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(JSON.parse(source.textContent));
    el.dataset.rendered = "1";
    charts.push(chart);
  });
  if (charts.length) window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
})();
