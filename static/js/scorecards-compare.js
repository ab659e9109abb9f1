// Draws the comparison page's charts: every <canvas data-compare-chart="KIND" data-source="ID">
// from the JSON in <script id="ID"> (json_script). Kinds: "scores" (score over time, one line
// per provider), "quadrant" (spend against average score, dashed median lines, four
// labelled quadrants), "frontier" (cost per unit against quality, the frontier providers marked and
// joined). After drawing, the canvas gets data-drawn="true".
(function () {
  const COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d", "#d63384"];

  // Draws the median lines (dashed) and writes the quadrants' names in the corners of the
  // chart area (no annotation plugin needed).
  const quadrantLines = {
    id: "quadrantLines",
    afterDatasetsDraw(chart, args, options) {
      if (!options || !options.labels) return;
      const { ctx, chartArea: a, scales } = chart;
      ctx.save();
      ctx.strokeStyle = "#6c757d";
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1;
      if (options.spendMedian !== null) {
        const x = scales.x.getPixelForValue(options.spendMedian);
        ctx.beginPath(); ctx.moveTo(x, a.top); ctx.lineTo(x, a.bottom); ctx.stroke();
      }
      if (options.scoreMedian !== null) {
        const y = scales.y.getPixelForValue(options.scoreMedian);
        ctx.beginPath(); ctx.moveTo(a.left, y); ctx.lineTo(a.right, y); ctx.stroke();
      }
      ctx.setLineDash([]);
      ctx.font = "12px sans-serif";
      ctx.fillStyle = "#6c757d";
      const pad = 6;
      ctx.textBaseline = "top";
      ctx.textAlign = "left";
      ctx.fillText(options.labels.efficient.split(":")[0], a.left + pad, a.top + pad);
      ctx.textAlign = "right";
      ctx.fillText(options.labels.strategic.split(":")[0], a.right - pad, a.top + pad);
      ctx.textBaseline = "bottom";
      ctx.fillText(options.labels.review.split(":")[0], a.right - pad, a.bottom - pad);
      ctx.textAlign = "left";
      ctx.fillText(options.labels.marginal.split(":")[0], a.left + pad, a.bottom - pad);
      ctx.restore();
    },
  };

  function pointLabel(context) {
    const p = context.raw;
    return p && p.label ? `${p.label}: ${p.x} / ${p.y === null ? "—" : Number(p.y).toFixed(2)}` : "";
  }

  function scores(canvas, data) {
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map((s, i) => ({ label: s.label, data: s.data, borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], spanGaps: false })),
      },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { position: "bottom" } },
        scales: { y: { min: 0, max: 100, title: { display: true, text: "score" } } },
      },
    });
  }

  function quadrant(canvas, data) {
    const datasets = data.points.map((p, i) => ({ type: "scatter", label: p.label, data: [p], backgroundColor: COLOURS[i % COLOURS.length], pointRadius: 7 }));
    return new Chart(canvas, {
      data: { datasets },
      options: {
        animation: false,
        responsive: true,
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: pointLabel } },
          quadrantLines: { labels: data.labels, spendMedian: data.spend_median, scoreMedian: data.score_median },
        },
        scales: {
          x: { type: "linear", grace: "15%", title: { display: true, text: `spend over the range (${data.currency})` } },
          y: { grace: "15%", title: { display: true, text: "average score" } },
        },
      },
      plugins: [quadrantLines],
    });
  }

  function frontier(canvas, data) {
    const onFrontier = data.points.filter((p) => p.frontier).sort((a, b) => a.x - b.x);
    const others = data.points.filter((p) => !p.frontier);
    return new Chart(canvas, {
      data: {
        datasets: [
          { type: "line", label: "Frontier", data: onFrontier, borderColor: "#198754", backgroundColor: "#198754", pointRadius: 8, pointStyle: "rectRot", showLine: true },
          { type: "scatter", label: "Beaten on both", data: others, backgroundColor: "#6c757d", pointRadius: 6 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: pointLabel } } },
        scales: {
          x: { type: "linear", grace: "10%", title: { display: true, text: `cost per ${data.unit} (${data.currency}), lower is better` } },
          y: { min: 0, max: 100, title: { display: true, text: "quality (SLA attainment, 0–100)" } },
        },
      },
    });
  }

  const KINDS = { scores, quadrant, frontier };

  function draw(canvas) {
    const data = JSON.parse(document.getElementById(canvas.dataset.source).textContent);
    KINDS[canvas.dataset.compareChart](canvas, data);
    canvas.dataset.drawn = "true";
  }

  function init() { document.querySelectorAll("canvas[data-compare-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
