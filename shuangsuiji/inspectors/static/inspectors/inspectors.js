// Shows the fields that apply to the chosen kind: certificate and category for officers,
// organisation for third parties. Without JavaScript every field stays visible and the server checks.
function syncKind(form) {
  const checked = form.querySelector("input[name=kind]:checked");
  const third = checked && checked.value === "third_party";
  form.querySelectorAll(".officer-only").forEach((el) => { el.hidden = third; });
  form.querySelectorAll(".third-party-only").forEach((el) => { el.hidden = !third; });
}
document.addEventListener("change", (event) => {
  const form = event.target.closest("[data-kind-form]");
  if (form && event.target.name === "kind") syncKind(form);
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-kind-form]").forEach(syncKind);
});
