// Behaviour shared by every page; no inline scripts so a strict CSP can be applied.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});
