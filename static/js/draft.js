// Keeps what an inspector typed in the browser until the server has it: every change is copied to
// localStorage under the form's draft key with the revision it was based on. A page that loads with
// the same revision (the save never arrived: the connection dropped) gets the copy back; a newer
// revision means the server has it, so the copy is dropped.
function draftValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.type === "hidden" || el.type === "file" || el.type === "submit") continue;
    if (el.type === "checkbox") {
      (values[el.name] = values[el.name] || []);
      if (el.checked) values[el.name].push(el.value);
    } else values[el.name] = el.value;
  }
  return values;
}
function restoreDraft(form) {
  const key = form.dataset.draftKey;
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (!saved) return;
  if (String(saved.revision) !== form.dataset.revision) { localStorage.removeItem(key); return; }
  for (const el of form.elements) {
    if (!(el.name in saved.values)) continue;
    const v = saved.values[el.name];
    if (el.type === "checkbox") el.checked = Array.isArray(v) && v.includes(el.value);
    else if (el.type !== "hidden" && el.type !== "file") el.value = v;
  }
  const note = document.querySelector("[data-draft-restored]");
  if (note) note.hidden = false;
}
function keepDraft(form) {
  localStorage.setItem(form.dataset.draftKey, JSON.stringify({revision: form.dataset.revision, values: draftValues(form)}));
}
// Offline, a save would only reach the browser's own error page: the copy is kept on the device, the
// inspector is told so, and the form stays for a later save.
function stayOffline(form, event) {
  if (navigator.onLine !== false) return;
  event.preventDefault();
  keepDraft(form);
  const note = document.querySelector(`[data-offline-note="${form.id}"]`);
  if (note) { note.hidden = false; note.scrollIntoView({block: "nearest"}); }
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-draft-key]").forEach((form) => {
    restoreDraft(form);
    const save = () => keepDraft(form);
    for (const el of form.elements) { el.addEventListener("input", save); el.addEventListener("change", save); }
    form.addEventListener("submit", (event) => stayOffline(form, event));
  });
  window.addEventListener("online", () => {
    document.querySelectorAll("[data-offline-note]").forEach((note) => { note.hidden = true; });
  });
});
