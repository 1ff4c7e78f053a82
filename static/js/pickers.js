// Searchable pickers (Tom Select, vendored) for every multiple select and every select marked data-picker:
// type a few characters of an item, department, town or industry instead of scrolling hundreds of rows.
// Without JavaScript the native select still works.
(() => {
  if (typeof TomSelect === "undefined") return;
  document.querySelectorAll("select[multiple], select[data-picker]").forEach((el) => {
    if (el.tomselect) return;
    const many = el.multiple;
    new TomSelect(el, {
      plugins: many ? ["remove_button", "checkbox_options"] : [],
      maxOptions: null,
      hidePlaceholder: true,
      placeholder: el.dataset.placeholder || (many ? "输入文字搜索，可多选" : "输入文字搜索"),
      closeAfterSelect: !many,
      render: { no_results: () => '<div class="no-results">没有匹配的选项</div>' },
    });
  });
})();
