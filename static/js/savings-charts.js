// Draws every <canvas data-savings-chart="ID"> from the JSON in <script id="ID">: the in-house
// baseline against the net outsourced cost per month (bars), and the cumulative realised
// savings against the cumulative projected savings (lines, right axis).
(function () {
  function draw(canvas) {
    const data = JSON.parse(document.getElementById(canvas.dataset.savingsChart).textContent);
    new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: "In-house baseline", data: data.baseline, backgroundColor: "#adb5bd", yAxisID: "y" },
          { type: "bar", label: "Net outsourced cost", data: data.net, backgroundColor: "#0d6efd", yAxisID: "y" },
          { type: "line", label: "Cumulative savings", data: data.cumulative, borderColor: "#198754", yAxisID: "y2" },
          { type: "line", label: "Cumulative projected", data: data.cumulative_projected, borderColor: "#198754", borderDash: [6, 4], yAxisID: "y2" },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { position: "bottom" } },
        scales: { y: { title: { display: true, text: "per month" } }, y2: { position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "cumulative" } } },
      },
    });
    canvas.dataset.drawn = "true";
  }
  function init() { document.querySelectorAll("canvas[data-savings-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
