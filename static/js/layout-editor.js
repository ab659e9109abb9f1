// The layout editor: changing the kind re-renders the form for that kind's fields, and
// choosing a sample file reads its header at once (both are the form's own buttons).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("layout-form");
  if (!form) return;
  const press = (value) => form.querySelector(`button[name=action][value=${value}]`)?.click();
  const editor = form.querySelector("input[name=editor]");
  form.querySelector("select[name=kind]")?.addEventListener("change", () => {
    if (editor?.value !== "json") press("form");
  });
  form.querySelector("input[name=sample]")?.addEventListener("change", (event) => {
    if (event.target.files.length) press("sample");
  });
});
