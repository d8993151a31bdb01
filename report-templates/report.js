// nodesnap report: filters and table sorting. Progressive enhancement only: every finding is in
// the HTML; this script hides and reorders, it never creates content from data.
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');

  // ---- filters ------------------------------------------------------------------------------
  var form = doc.getElementById('filters');
  var findings = Array.prototype.slice.call(doc.querySelectorAll('[data-finding]'));
  var groups = Array.prototype.slice.call(doc.querySelectorAll('[data-group]'));
  var nodeSections = Array.prototype.slice.call(doc.querySelectorAll('[data-node-section]'));
  var nodeRows = Array.prototype.slice.call(doc.querySelectorAll('[data-node-row]'));
  var texts = null;

  function groupOf(el) {
    var p = el.parentElement;
    return p ? p.closest('[data-group]') : null;
  }

  function apply() {
    var sevs = {};
    Array.prototype.forEach.call(form.querySelectorAll('input[name="sev"]'), function (box) {
      sevs[box.value] = box.checked;
    });
    var cat = form.elements.cat.value;
    var node = form.elements.node.value;
    var q = form.elements.q.value.trim().toLowerCase();
    var showSuppressed = form.elements.supp.checked;
    if (q && texts === null) {
      texts = findings.map(function (f) {
        return f.textContent.toLowerCase();
      });
    }
    var narrowed = q !== '' || cat !== '' || node !== '';
    var visible = new Set();
    var shown = 0;
    for (var i = 0; i < findings.length; i++) {
      var f = findings[i];
      var d = f.dataset;
      var ok = sevs[d.sev] !== false && (cat === '' || d.cat === cat) && (node === '' || d.node === node) && (showSuppressed || d.supp !== '1') && (q === '' || texts[i].indexOf(q) >= 0);
      f.hidden = !ok;
      if (!ok) continue;
      shown++;
      for (var g = groupOf(f); g && !visible.has(g); g = groupOf(g)) visible.add(g);
    }
    groups.forEach(function (g) {
      g.hidden = !visible.has(g);
      // a narrowed view opens what it found; the default view keeps the rendered state
      if (narrowed && visible.has(g) && g.tagName === 'DETAILS') g.open = true;
    });
    nodeSections.forEach(function (s) {
      s.hidden = node !== '' && s.dataset.nodeSection !== node;
    });
    nodeRows.forEach(function (r) {
      r.hidden = node !== '' && r.dataset.nodeRow !== node;
    });
    form.elements.count.value = 'Showing ' + shown + ' of ' + findings.length + ' finding' + (findings.length === 1 ? '' : 's');
  }

  if (form) {
    form.hidden = false;
    var timer = 0;
    form.addEventListener('input', function (e) {
      clearTimeout(timer);
      // typing in a big report: wait for a pause; everything else applies at once
      if (e.target && e.target.name === 'q' && findings.length > 500) timer = setTimeout(apply, 150);
      else apply();
    });
    form.addEventListener('change', apply);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
    });
    form.addEventListener('reset', function () {
      setTimeout(apply, 0);
    });
    form.addEventListener('click', function (e) {
      var action = e.target && e.target.getAttribute ? e.target.getAttribute('data-action') : null;
      if (!action) return;
      var open = action === 'expand';
      Array.prototype.forEach.call(doc.querySelectorAll('details'), function (d) {
        d.open = open;
      });
    });
    // the page opens unfiltered: only the count needs writing (a full pass costs time in a big report)
    form.elements.count.value = 'Showing ' + findings.length + ' of ' + findings.length + ' finding' + (findings.length === 1 ? '' : 's');
  }

  // ---- sortable tables ----------------------------------------------------------------------
  function cellValue(cell, numeric) {
    var v = cell && cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell ? cell.textContent : '';
    if (!numeric) return (v || '').toLowerCase();
    var n = parseFloat(v);
    return isNaN(n) ? -Infinity : n;
  }

  Array.prototype.forEach.call(doc.querySelectorAll('table.sortable'), function (table) {
    var head = table.tHead.rows[0];
    var body = table.tBodies[0];
    Array.prototype.forEach.call(head.cells, function (th, col) {
      var button = th.querySelector('button.sort');
      if (!button) return;
      button.addEventListener('click', function () {
        var numeric = th.getAttribute('data-type') !== 'text';
        // numbers sort biggest first (the outliers), text alphabetically; a second click reverses
        var current = th.getAttribute('aria-sort');
        var first = numeric ? 'descending' : 'ascending';
        var dir = current === first ? (first === 'ascending' ? 'descending' : 'ascending') : first;
        var sign = dir === 'ascending' ? 1 : -1;
        var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
          return { row: row, key: cellValue(row.cells[col], numeric), index: index };
        });
        rows.sort(function (a, b) {
          if (a.key < b.key) return -sign;
          if (a.key > b.key) return sign;
          return a.index - b.index;
        });
        var frag = doc.createDocumentFragment();
        rows.forEach(function (r) {
          frag.appendChild(r.row);
        });
        body.appendChild(frag);
        Array.prototype.forEach.call(head.cells, function (other) {
          other.removeAttribute('aria-sort');
        });
        th.setAttribute('aria-sort', dir);
      });
    });
  });
})();
