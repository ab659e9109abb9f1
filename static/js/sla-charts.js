// Draws every <canvas data-sla-chart="ID"> from the JSON in <script id="ID"> (Django's json_script):
// the actual value per month against the expected (target) and minimum levels, over the months of
// the period shown (labels "YYYY-MM"; a month without a result is a gap, not left out).
(function () {
  const statusColour = { met: "#198754", at_risk: "#ffc107", breached: "#dc3545", insufficient_data: "#6c757d", no_data: "#adb5bd" };
  // Units and precision as core/formatting.py writes them on the pages: 52.08 %, 40.8 s, 1,234.
  const decimals = { "%": 2, s: 1, score: 1, count: 0 };
  const suffix = { "%": " %", s: " s", score: "", count: "" };
  function formatValue(value, unit) {
    if (value === null || value === undefined) return "—";
    const places = decimals[unit] ?? 2;
    const text = Number(value).toLocaleString("en-US", { minimumFractionDigits: places, maximumFractionDigits: places });
    return text + (suffix[unit] ?? (unit ? " " + unit : ""));
  }
  function draw(canvas) {
    const data = JSON.parse(document.getElementById(canvas.dataset.slaChart).textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Actual", data: data.actual, borderColor: "#0d6efd", pointBackgroundColor: data.status.map(s => statusColour[s]), pointRadius: 5, spanGaps: false },
          { label: "Expected", data: data.expected, borderColor: "#198754", borderDash: [6, 4], pointRadius: 0 },
          { label: "Minimum", data: data.minimum, borderColor: "#dc3545", borderDash: [2, 3], pointRadius: 0 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        plugins: {
          legend: { position: "bottom" },
          title: { display: !!canvas.dataset.title, text: canvas.dataset.title },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatValue(item.parsed.y, data.unit)}` } },
        },
        scales: {
          x: { title: { display: !!data.period, text: data.period } },
          y: { title: { display: true, text: data.unit } },
        },
      },
    });
  }
  function init() { document.querySelectorAll("canvas[data-sla-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
