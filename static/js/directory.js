// Sub-library form: show the section that matches the chosen kind (rule-based or list-based).
document.addEventListener("DOMContentLoaded", () => {
  const radios = document.querySelectorAll("[data-kind-switch] input[type=radio]");
  const sync = () => {
    const chosen = document.querySelector("[data-kind-switch] input[type=radio]:checked");
    document.querySelectorAll("section[data-kind]").forEach((section) => {
      section.hidden = chosen !== null && section.dataset.kind !== chosen.value;
    });
  };
  radios.forEach((radio) => radio.addEventListener("change", sync));
  sync();
});
// Forms that delete ask first; the question is in the data-confirm attribute.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
