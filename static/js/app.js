// Behaviour shared by every page; no inline scripts so a strict CSP can be applied.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});

// Fields that apply to one kind of task only (data-kind-only="joint_risk") show when the form's kind is that one.
const showKindFields = (form) => {
  const kind = form.querySelector("select[name=kind]");
  if (!kind) return;
  form.querySelectorAll("[data-kind-only]").forEach((input) => {
    const cell = input.closest(".col-12") || input.parentElement;
    cell.hidden = input.dataset.kindOnly !== kind.value;
  });
};
document.addEventListener("change", (event) => {
  if (event.target.matches("select[name=kind]") && event.target.form) showKindFields(event.target.form);
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form").forEach((form) => {
    if (form.querySelector("[data-kind-only]")) showKindFields(form);
  });
});
