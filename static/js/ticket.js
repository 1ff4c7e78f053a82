// Recomputes a business's ticket for a published draw in the browser (ssj-draw/1 §4, the first ticket of
// Rivest's consistent sampler): sha256_hex(sha256_hex(seed) + USCC) read as a 256-bit integer, written in
// decimal (at least 64 digits), reversed, "0." in front, trimmed to 9 digits after any leading 9s.
// Nothing the server says about the outcome is trusted: only the published seed and tickets are read.
(function () {
  "use strict";
  const enc = new TextEncoder();

  async function sha256hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", enc.encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function ticketFull(seed, id) {
    const hex = await sha256hex((await sha256hex(seed)) + id);
    const decimal = BigInt("0x" + hex).toString().padStart(64, "0");
    return "0." + Array.from(decimal).reverse().join("");
  }

  function trim(full, digits) {
    const padded = full + "0";
    let i = 2;
    while (i < padded.length && padded[i] === "9") i += 1;
    return full.slice(0, i + digits);
  }

  function line(list, text, ok) {
    const li = document.createElement("li");
    li.textContent = (ok === true ? "✓ " : ok === false ? "✗ " : "") + text;
    if (ok === false) li.className = "text-danger fw-semibold";
    if (ok === true) li.className = "text-success";
    list.appendChild(li);
  }

  async function check(form) {
    const data = JSON.parse(form.querySelector("script[type='application/json']").textContent);
    const out = form.querySelector("[data-ticket-output]");
    const uscc = form.elements.uscc.value.normalize("NFKC").trim().toUpperCase();
    out.replaceChildren();
    const list = document.createElement("ul");
    list.className = "list-unstyled mb-0";
    out.appendChild(list);
    if (!/^[0-9A-Z]{18}$/.test(uscc)) {
      line(list, "请输入 18 位统一社会信用代码。", false);
      return;
    }
    if (!(window.crypto && crypto.subtle)) {
      line(list, "本浏览器在此连接下不提供 SHA-256 计算（需要 HTTPS），请使用校验程序 verify_draw.py。", false);
      return;
    }
    const ticket = trim(await ticketFull(data.seed, uscc), 9);
    line(list, `本机由种子和代码 ${uscc} 算得签号：${ticket}`);
    const published = data.tickets[uscc];
    if (published !== undefined) {
      line(list, `公布名单中有此代码，公布的签号为 ${published}：` +
        (published === ticket ? "与本机计算一致。" : "与本机计算不一致！请保存本页并向联席会议办公室反映。"),
        published === ticket);
    } else {
      line(list, "公布的中选名单中没有此代码。");
    }
    if (data.blinded) {
      line(list, "本次抽取按信用风险分类分层或筛选，分类不公开：公众可以核对中选者的签号与种子一致；" +
        "未中选者是否本应中选，需要各层截止签号，由持审计校验包的审计方核对。");
      return;
    }
    for (const s of data.strata) {
      if (s.cutoff === null) continue;
      const inside = ticket <= s.cutoff;
      const member = s.members.includes(uscc);
      let text = `若属于“${s.name}”层（${s.eligible} 户中抽 ${s.count} 户，截止签号 ${s.cutoff}）：` +
        (inside ? "签号不大于截止签号，应当中选" : "签号大于截止签号，不应中选");
      if (member) text += inside ? "；名单显示在本层中选，一致。" : "；但名单显示在本层中选，不一致！";
      line(list, text, member ? inside : undefined);
    }
    line(list, "所属的层以及是否因排除名单不在抽取池中，见校验包中的 pool.tsv 和 manifest.json。");
  }

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-ticket-check]");
    if (!form) return;
    event.preventDefault();
    check(form).catch((err) => {
      form.querySelector("[data-ticket-output]").textContent = "计算出错：" + err;
    });
  });
})();
