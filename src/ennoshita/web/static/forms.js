/* Behaviour of the forms, kept out of the pages so that the Content-Security-Policy needs no inline script:
   "add a row" buttons of the line grids, and confirmations (data-confirm on a form or a button). */
(function () {
  'use strict';

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { e.preventDefault(); }
  }, true);
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('button[data-confirm]');
    if (button && !window.confirm(button.dataset.confirm)) { e.preventDefault(); }
  }, true);

  document.addEventListener('click', function (e) {
    if (e.target.closest && e.target.closest('.nav-toggle')) { document.body.classList.toggle('nav-open'); }
  });

  function renumber(el, n, pattern) {
    el.name = el.name.replace(pattern, function (m) { return m.replace(/\d+/, String(n)); });
    var label = el.getAttribute('aria-label');
    if (label) { el.setAttribute('aria-label', label.replace(/\d+$/, String(n + 1))); }
  }

  function clean(row) {
    row.querySelectorAll('.cell-error, .kept, .again').forEach(function (el) { el.remove(); });
    row.querySelectorAll('td.invalid').forEach(function (el) { el.classList.remove('invalid'); });
  }

  // 見積・受注・請求書 (sales) and 仕入請求書 (purchasing): one <tr> per line
  [['add-row', 'grid-body', ''], ['add-bill-row', 'bill-grid-body', '10']].forEach(function (spec) {
    var button = document.getElementById(spec[0]);
    if (!button) { return; }
    button.addEventListener('click', function () {
      var body = document.getElementById(spec[1]);
      var n = body.rows.length;
      var row = body.rows[n - 1].cloneNode(true);
      row.cells[0].textContent = n + 1;
      row.querySelectorAll('input, select').forEach(function (el) {
        renumber(el, n, /lines\[\d+\]/);
        if (el.tagName === 'INPUT') { el.value = ''; }
        else { el.value = /\.tax_rate$/.test(el.name) ? (spec[2] || '10') : ''; }
      });
      clean(row);
      body.appendChild(row);
    });
  });

  // 依頼 forms: any table whose button names it with data-add-row
  document.querySelectorAll('[data-add-row]').forEach(function (button) {
    button.addEventListener('click', function () {
      var body = document.getElementById(button.getAttribute('data-add-row'));
      var n = body.rows.length;
      var row = body.rows[n - 1].cloneNode(true);
      row.cells[0].textContent = n + 1;
      row.querySelectorAll('input').forEach(function (el) { renumber(el, n, /\[\d+\]/); el.value = ''; });
      clean(row);
      body.appendChild(row);
    });
  });

  // 経費精算: one <tbody> per line, its kind switching the visible fields
  var grid = document.querySelector('[data-testid=expense-grid]');
  var addExpense = document.getElementById('add-expense-row');
  if (grid) {
    grid.addEventListener('change', function (e) {
      if (e.target.classList.contains('kind')) { e.target.closest('tbody').dataset.kind = e.target.value; }
    });
  }
  if (grid && addExpense) {
    addExpense.addEventListener('click', function () {
      var bodies = grid.tBodies, n = bodies.length;
      var body = bodies[n - 1].cloneNode(true);
      body.dataset.row = n; body.dataset.kind = 'receipt';
      body.querySelector('td.no').textContent = n + 1;
      body.querySelectorAll('input, select').forEach(function (el) {
        renumber(el, n, /lines\[\d+\]/);
        if (el.type === 'checkbox') { el.checked = false; }
        else if (el.name.endsWith('.rate_per_km')) { el.value = grid.dataset.defaultRate || ''; }
        else if (el.tagName === 'SELECT') { el.selectedIndex = 0; }
        else { el.value = ''; }
      });
      clean(body);
      grid.appendChild(body);
    });
  }
})();
