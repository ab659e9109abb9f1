// The upload page: drag and drop onto the file field, typed dates kept across htmx re-renders
// of the contract's fields, and a 413 (file too large) shown in the preview panel.
(() => {
  const zone = document.getElementById("dropzone");
  const input = zone.querySelector("input[type=file]");
  const label = document.getElementById("dropzone-name");
  const show = () => { label.textContent = input.files.length ? `${input.files[0].name} (${input.files[0].size.toLocaleString()} bytes)` : ""; };
  ["dragenter", "dragover"].forEach(e => zone.addEventListener(e, ev => { ev.preventDefault(); zone.classList.add("border-primary"); }));
  ["dragleave", "drop"].forEach(e => zone.addEventListener(e, ev => { ev.preventDefault(); zone.classList.remove("border-primary"); }));
  zone.addEventListener("drop", ev => { if (ev.dataTransfer.files.length) { input.files = ev.dataTransfer.files; show(); } });
  input.addEventListener("change", show);

  // The contract's fields are re-rendered by htmx; what was typed while the request ran stays.
  const kept = ["month", "period_start", "period_end"];
  let typed = {};
  document.body.addEventListener("htmx:beforeSwap", ev => {
    if (ev.detail.target.id !== "upload-dependent-fields") return;
    typed = Object.fromEntries(kept.map(name => [name, document.getElementById(`id_${name}`)?.value || ""]));
  });
  document.body.addEventListener("htmx:afterSwap", ev => {
    kept.forEach(name => {
      const field = document.getElementById(`id_${name}`);
      if (field && !field.value && typed[name]) field.value = typed[name];
    });
    typed = {};
  });
  // An upload over the size limit is refused with 413 and an explanation: show it in the preview panel.
  document.body.addEventListener("htmx:beforeSwap", ev => { if (ev.detail.xhr.status === 413) { ev.detail.shouldSwap = true; ev.detail.isError = false; } });
})();
