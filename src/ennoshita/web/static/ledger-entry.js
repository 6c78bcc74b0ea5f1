/* 仕訳入力: keyboard entry of journal lines (no build step, no dependencies).
 *
 * - Tab and Enter move through the cells; Enter on the last cell of the last line adds a line;
 *   Ctrl+Enter (⌘+Enter) posts the entry. The Enter that confirms an IME conversion is left to the IME.
 * - Account cells accept a code, a name or its カナ and show "1110 現金"; the account's default tax
 *   category is filled in when the tax cell is empty; the sub-account cell offers that account's list.
 * - "=" in an empty amount cell enters the difference that balances the entry.
 * - The debit and credit totals and their difference are shown live until the entry balances; an amount the
 *   server would refuse (negative, or no amount) is marked beside its cell with the server's reason.
 * The server checks everything again: this script only saves typing.
 */
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  var dataNode = document.getElementById("ledger-entry-data");
  if (!form || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent || "{}");
  var tbody = document.getElementById("entry-lines");
  var CELLS = ["account", "sub_account", "debit", "credit", "tax_category", "department", "memo"];

  function norm(text) {
    return String(text || "").normalize("NFKC").replace(/\s+/g, " ").trim();
  }
  function yen(n) {
    var s = Math.abs(n).toLocaleString("ja-JP");
    return (n < 0 ? "-¥" : "¥") + s;
  }
  // An amount read as the server reads it (web.forms.parse_int): separators, ¥ and 円 dropped, full-width
  // digits, a leading -, △ or ▲ for a minus. 0 when blank, NaN when it is no amount.
  function amountOf(input) {
    var v = norm(input.value).replace(/[,¥円\s\\]/g, "");
    if (!v) { return 0; }
    var m = /^([-△▲]*)(\d+)$/.exec(v);
    if (!m) { return NaN; }
    return (m[1] ? -1 : 1) * parseInt(m[2], 10);
  }

  // ------------------------------------------------------------ accounts, sub-accounts, departments
  function findAccount(text) {
    var v = norm(text);
    if (!v) { return null; }
    var head = v.split(" ")[0];
    var i, a;
    for (i = 0; i < data.accounts.length; i++) {
      a = data.accounts[i];
      if (v === a.code || v === a.name || v === a.code + " " + a.name || head === a.code) { return a; }
    }
    var exact = data.accounts.filter(function (x) { return x.kana && norm(x.kana) === v; });
    if (exact.length === 1) { return exact[0]; }
    var prefix = data.accounts.filter(function (x) {
      return (x.kana && norm(x.kana).indexOf(v) === 0) || x.name.indexOf(v) === 0;
    });
    return prefix.length === 1 ? prefix[0] : null;
  }
  function findSub(accountCode, text) {
    var v = norm(text);
    var list = (data.subs || {})[accountCode] || [];
    for (var i = 0; i < list.length; i++) {
      var s = list[i];
      if (v === s.code || v === s.name || v === s.code + " " + s.name || v === norm(s.kana) ||
          v.split(" ")[0] === s.code) { return s; }
    }
    return null;
  }
  function findDepartment(text) {
    var v = norm(text);
    for (var i = 0; i < data.departments.length; i++) {
      var d = data.departments[i];
      if (v === d.code || v === d.name || v === d.code + " " + d.name || v.split(" ")[0] === d.code) { return d; }
    }
    return null;
  }
  function cell(row, name) { return row.querySelector("[data-cell='" + name + "']"); }

  function accountChanged(input, fillTax) {
    var row = input.closest("tr");
    var account = findAccount(input.value);
    var sub = cell(row, "sub_account");
    if (account) {
      input.value = account.code + " " + account.name;
      var tax = cell(row, "tax_category");
      if (fillTax && tax && !tax.value && account.tax && input.dataset.prev !== input.value) { tax.value = account.tax; }
      if ((data.subs || {})[account.code]) { sub.setAttribute("list", "ledger-subs-" + account.code); }
      else { sub.removeAttribute("list"); }
    } else if (sub) {
      sub.removeAttribute("list");
    }
    input.dataset.prev = input.value;
  }
  function subChanged(input) {
    var row = input.closest("tr");
    var account = findAccount(cell(row, "account").value);
    var s = account ? findSub(account.code, input.value) : null;
    if (s) { input.value = s.code + " " + s.name; }
  }
  function departmentChanged(input) {
    var d = findDepartment(input.value);
    if (d) { input.value = d.code + " " + d.name; }
  }
  function amountChanged(input) {
    var v = norm(input.value).replace(/[,¥円\s]/g, "");
    if (/^\d+$/.test(v)) { input.value = parseInt(v, 10).toLocaleString("ja-JP"); }
  }
  function dateChanged(input) {
    var v = norm(input.value).replace(/[./年月]/g, "-").replace(/日$/, "");
    var today = new Date();
    var base = input.dataset.prev || "";
    var year = /^\d{4}-/.test(base) ? base.slice(0, 4) : String(today.getFullYear());
    var m;
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v))) { year = m[1]; v = m[2] + "-" + m[3]; }
    else if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(v))) { year = m[1]; v = m[2] + "-" + m[3]; }
    else if ((m = /^(\d{2})(\d{2})$/.exec(v))) { v = m[1] + "-" + m[2]; }
    if ((m = /^(\d{1,2})-(\d{1,2})$/.exec(v))) {
      input.value = year + "-" + ("0" + m[1]).slice(-2) + "-" + ("0" + m[2]).slice(-2);
    }
  }

  // ------------------------------------------------------------ totals
  // The real sums of what is typed (a negative amount counts as typed), and beside each amount the server would
  // refuse, the server's own reason (ledger.error.negative_amount, ledger_ui.error.amount): the totals never
  // look balanced while an amount is negative or unreadable.
  var grid = tbody.closest("table");
  function markAmount(input, reason) {
    var td = input.closest("td");
    var mark = td.querySelector(".cell-error");
    if (!reason) {
      if (mark) { mark.remove(); }
      td.classList.remove("invalid");
      return;
    }
    if (!mark) {
      mark = document.createElement("div");
      mark.className = "cell-error";
      td.appendChild(mark);
    }
    mark.setAttribute("data-error-for", input.name);
    mark.textContent = reason;
    td.classList.add("invalid");
  }
  function totals() {
    var debit = 0, credit = 0, negative = false, unreadable = false;
    tbody.querySelectorAll("input.amount").forEach(function (i) {
      var n = amountOf(i);
      if (isNaN(n)) { unreadable = true; return; }
      if (n < 0) { negative = true; }
      if (i.dataset.cell === "debit") { debit += n; } else { credit += n; }
    });
    return { debit: debit, credit: credit, diff: debit - credit, negative: negative, unreadable: unreadable };
  }
  function checkAmount(input) {
    var n = amountOf(input);
    markAmount(input, isNaN(n) ? grid.dataset.msgAmount : (n < 0 ? grid.dataset.msgNegative : ""));
  }
  function showTotals() {
    var t = totals();
    form.querySelector("[data-testid='debit-total']").textContent = yen(t.debit);
    form.querySelector("[data-testid='credit-total']").textContent = yen(t.credit);
    form.querySelector("[data-testid='difference']").textContent = yen(t.diff);
    var state = form.querySelector("[data-testid='balance-state']");
    var ok = t.diff === 0 && t.debit > 0 && !t.negative && !t.unreadable;
    state.className = "balance-state " + (ok ? "ok" : "bad");
    if (t.negative) { state.textContent = grid.dataset.msgNegative; }
    else if (t.unreadable) { state.textContent = grid.dataset.msgAmount; }
    else {
      state.textContent = t.debit === 0 && t.credit === 0 ? form.dataset.msgEmpty :
        (ok ? form.dataset.msgBalanced : form.dataset.msgUnbalanced);
    }
  }

  // ------------------------------------------------------------ lines
  function renumber() {
    tbody.querySelectorAll("tr.line").forEach(function (row, i) {
      row.querySelector("td.no").textContent = String(i + 1);
      row.querySelectorAll("[name]").forEach(function (el) {
        el.name = el.name.replace(/^lines\[\d+\]/, "lines[" + i + "]");
        if (el.getAttribute("aria-label")) {
          el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/\d+$/, String(i + 1)));
        }
      });
    });
  }
  function addLine() {
    var rows = tbody.querySelectorAll("tr.line");
    var copy = rows[rows.length - 1].cloneNode(true);
    copy.querySelectorAll("input, select").forEach(function (el) {
      el.value = "";
      delete el.dataset.prev;
      if (el.dataset.cell === "sub_account") { el.removeAttribute("list"); }
    });
    copy.querySelectorAll(".cell-error").forEach(function (e) { e.remove(); });
    copy.querySelectorAll("td.invalid").forEach(function (td) { td.classList.remove("invalid"); });
    tbody.appendChild(copy);
    renumber();
    return copy;
  }
  function removeLine(row) {
    if (tbody.querySelectorAll("tr.line").length <= 2) {
      row.querySelectorAll("input, select").forEach(function (el) { el.value = ""; });
      row.querySelectorAll("input.amount").forEach(function (el) { markAmount(el, ""); });
    } else {
      row.remove();
      renumber();
    }
    showTotals();
  }

  // ------------------------------------------------------------ keyboard
  function fields() {
    return Array.prototype.filter.call(form.querySelectorAll("input:not([type=hidden]), select"), function (el) {
      return !el.disabled && el.tabIndex >= 0;
    });
  }
  form.addEventListener("keydown", function (ev) {
    var el = ev.target;
    // Keys typed into an IME (日本語入力) belong to it: the Enter that confirms a conversion must not move on.
    // keyCode 229 is what Safari sends for that Enter after compositionend.
    if (ev.isComposing || ev.keyCode === 229) { return; }
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      var post = form.querySelector("[data-role='post']");
      if (form.requestSubmit) { form.requestSubmit(post); } else { post.click(); }
      return;
    }
    if (ev.key === "=" && el.classList && el.classList.contains("amount") && !norm(el.value)) {
      ev.preventDefault();
      var t = totals();
      var side = el.dataset.cell;
      if (side === "credit" && t.diff > 0) { el.value = t.diff.toLocaleString("ja-JP"); }
      if (side === "debit" && t.diff < 0) { el.value = (-t.diff).toLocaleString("ja-JP"); }
      checkAmount(el);
      showTotals();
      return;
    }
    if (ev.key !== "Enter" || el.tagName === "BUTTON" || el.tagName === "TEXTAREA") { return; }
    ev.preventDefault();
    var row = el.closest("tr.line");
    if (row && el.dataset.cell === "memo") {
      var next = row.nextElementSibling;
      if (!next) { next = addLine(); }
      cell(next, "account").focus();
      return;
    }
    var all = fields();
    var at = all.indexOf(el);
    if (at >= 0 && at + 1 < all.length) { all[at + 1].focus(); }
  });

  tbody.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.dataset.cell === "account") { accountChanged(el, true); }
    else if (el.dataset.cell === "sub_account") { subChanged(el); }
    else if (el.dataset.cell === "department") { departmentChanged(el); }
    else if (el.classList.contains("amount")) { amountChanged(el); checkAmount(el); }
    showTotals();
  });
  tbody.addEventListener("focusout", function (ev) {
    var el = ev.target;
    if (el.dataset && el.dataset.cell === "account" && el.value !== el.dataset.prev) { accountChanged(el, true); }
    if (el.classList && el.classList.contains("amount")) { amountChanged(el); }
  });
  tbody.addEventListener("input", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("amount")) { checkAmount(ev.target); }
    showTotals();
  });
  tbody.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-action='remove-line']");
    if (b) { removeLine(b.closest("tr")); }
  });
  form.querySelector("[data-action='add-line']").addEventListener("click", function () {
    cell(addLine(), "account").focus();
  });
  form.querySelectorAll("[data-role='date']").forEach(function (input) {
    input.dataset.prev = input.value;
    input.addEventListener("change", function () { dateChanged(input); input.dataset.prev = input.value; });
  });

  // what the server rendered: show labels, attach sub-account lists, compute totals
  tbody.querySelectorAll("[data-cell='account']").forEach(function (input) {
    if (input.value) { accountChanged(input, false); }
  });
  tbody.querySelectorAll("[data-cell='sub_account']").forEach(function (input) { if (input.value) { subChanged(input); } });
  tbody.querySelectorAll("[data-cell='department']").forEach(function (input) {
    if (input.value) { departmentChanged(input); }
  });
  tbody.querySelectorAll("input.amount").forEach(function (input) {
    var n = amountOf(input);  // add a mark the server did not; never drop one it gave (a range, one side only)
    if ((isNaN(n) || n < 0) && !input.closest("td").querySelector(".cell-error")) { checkAmount(input); }
  });
  showTotals();
  var firstError = form.querySelector(".invalid input, .invalid select");
  if (firstError) { firstError.focus(); }
  else if (form.dataset.autofocus !== "off") {
    var date = form.querySelector("[name=entry_date]");
    if (date) { date.focus(); date.select(); }
  }
}());
