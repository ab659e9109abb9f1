// Draws every <canvas data-scorecard-sparkline="ID"> from the JSON in <script id="ID"> (Django's
// json_script): a provider's score over its last 12 months (labels "YYYY-MM"; a month without a
// score is a gap, never 0), on a fixed 0–100 axis so two providers' lines compare.
(function () {
  function draw(canvas) {
    const data = JSON.parse(document.getElementById(canvas.dataset.scorecardSparkline).textContent);
    const chart = new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: "Score", data: data.scores, borderColor: "#0d6efd", pointRadius: 3, spanGaps: false, tension: 0 }],
      },
      options: {
        animation: false,
        responsive: true,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const standing = data.standings[item.dataIndex];
                return `Score ${Number(item.parsed.y).toFixed(2)}${standing ? " (" + standing + ")" : ""}`;
              },
            },
          },
        },
        scales: { y: { min: 0, max: 100 } },
      },
    });
    canvas.dataset.drawn = chart.data.datasets[0].data.filter((v) => v !== null).length.toString();
  }
  function init() { document.querySelectorAll("canvas[data-scorecard-sparkline]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
