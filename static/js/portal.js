// Small behaviours every page shares. The Content-Security-Policy allows no inline script or
// style attribute, so what a template would have written inline is applied from here.
(function () {
  // Progress bars: <div class="progress-bar" data-progress-width="42"> gets its width (%).
  function widths(root) {
    root.querySelectorAll("[data-progress-width]").forEach(function (bar) {
      bar.style.width = Math.max(0, Math.min(100, Number(bar.dataset.progressWidth) || 0)) + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { widths(document); });
  document.addEventListener("htmx:afterSettle", function (event) { widths(event.target.parentNode || document); });
})();
