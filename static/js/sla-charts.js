// Draws every <canvas data-sla-chart="ID"> from the JSON in <script id="ID"> (Django's json_script):
// the actual value per month against the expected (target) and minimum levels, over the months of
// the period shown (labels "YYYY-MM"; a month without a result is a gap, not left out).
(function () {
  const statusColour = { met: "#198754", at_risk: "#ffc107", breached: "#dc3545", insufficient_data: "#6c757d", no_data: "#adb5bd" };
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
        plugins: { legend: { position: "bottom" }, title: { display: !!canvas.dataset.title, text: canvas.dataset.title } },
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
