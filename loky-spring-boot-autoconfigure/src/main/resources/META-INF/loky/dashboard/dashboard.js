// The live page of a loky pool: polls the loky Actuator endpoint (a sibling of this page under the
// Actuator base path, so the same security rules apply) once a second and redraws.
(function () {
  'use strict';
  var source = new URL('loky', window.location.href.replace(/\/lokydashboard\/?(\?.*)?$/, '/')).toString();

  function $(id) { return document.getElementById(id); }
  function text(id, value) { $(id).textContent = value; }
  function mb(bytes) { return bytes >= 0 ? (bytes / 1048576).toFixed(0) + ' MB' : '–'; }
  function sec(s) { return s === null || s === undefined ? '–' : s < 1 ? Math.round(s * 1000) + ' ms' : s.toFixed(1) + ' s'; }
  function ms(m) { return m < 1000 ? m.toFixed(1) + ' ms' : (m / 1000).toFixed(2) + ' s'; }
  function cell(row, value, cls) {
    var td = document.createElement('td');
    td.textContent = value === null || value === undefined ? '–' : value;
    if (cls) { td.className = cls; td.title = td.textContent; }
    row.appendChild(td);
    return td;
  }

  function workers(list) {
    var body = $('workers').querySelector('tbody');
    body.replaceChildren();
    list.forEach(function (w) {
      var tr = document.createElement('tr');
      tr.dataset.pid = w.pid;
      tr.dataset.state = w.state;
      cell(tr, w.id);
      cell(tr, w.pid > 0 ? w.pid : '…');
      cell(tr, w.state, 'state-' + w.state);
      cell(tr, mb(w.rssBytes));
      cell(tr, mb(w.heapUsedBytes));
      cell(tr, w.currentTask, 'task');
      cell(tr, w.tasksDone);
      cell(tr, sec(w.startupSeconds));
      cell(tr, sec(w.initSeconds));
      cell(tr, sec(w.workingSeconds));
      cell(tr, sec(w.waitingSeconds));
      cell(tr, sec(w.uptimeSeconds));
      cell(tr, w.lastRestartReason);
      body.appendChild(tr);
    });
  }

  function maps(list) {
    var box = $('maps');
    box.replaceChildren();
    if (!list.length) { box.innerHTML = '<p class="muted">none</p>'; return; }
    list.forEach(function (m) {
      var div = document.createElement('div');
      div.className = 'map';
      div.dataset.mapId = m.id;
      var pct = m.total > 0 ? Math.min(100, 100 * m.completed / m.total) : 0;
      var head = document.createElement('div');
      head.textContent = 'map #' + m.id + ' · ' + m.function;
      var bar = document.createElement('div');
      bar.className = 'bar';
      var fill = document.createElement('div');
      fill.style.width = pct.toFixed(1) + '%';
      bar.appendChild(fill);
      var line = document.createElement('div');
      line.className = 'muted';
      line.textContent = m.completed + ' / ' + (m.total >= 0 ? m.total : '?') + ' items · ' + m.ratePerSecond + ' items/s · ETA '
        + sec(m.etaSeconds) + ' · running ' + sec(m.elapsedSeconds);
      div.append(head, bar, line);
      box.appendChild(div);
    });
  }

  function slow(list) {
    var body = $('slow').querySelector('tbody');
    body.replaceChildren();
    list.forEach(function (c) {
      var tr = document.createElement('tr');
      cell(tr, ms(c.durationMillis));
      cell(tr, c.task, 'task');
      cell(tr, c.workerPid > 0 ? c.workerPid : '–');
      cell(tr, c.outcome);
      cell(tr, new Date(c.finishedAt).toLocaleTimeString());
      body.appendChild(tr);
    });
  }

  function failures(list) {
    var box = $('failures');
    var open = {};
    box.querySelectorAll('details[open]').forEach(function (d) { open[d.dataset.key] = true; });
    box.replaceChildren();
    if (!list.length) { box.innerHTML = '<p class="muted">none</p>'; return; }
    list.forEach(function (f) {
      var d = document.createElement('details');
      d.className = 'failure';
      d.dataset.key = f.call.finishedAt + f.call.task;
      d.dataset.outcome = f.call.outcome;
      if (open[d.dataset.key]) { d.open = true; }
      var s = document.createElement('summary');
      s.textContent = new Date(f.call.finishedAt).toLocaleTimeString() + ' · ' + f.call.outcome + ' · worker '
        + (f.call.workerPid > 0 ? f.call.workerPid : '–') + ' · ' + f.exception;
      var pre = document.createElement('pre');
      pre.textContent = f.call.task + '\n\n' + f.stackTrace;
      d.append(s, pre);
      box.appendChild(d);
    });
  }

  function render(pool) {
    var c = pool.counters;
    text('state', pool.state);
    text('live', pool.liveWorkers);
    text('max', pool.maxWorkers);
    text('busy', pool.busyWorkers);
    text('queued', pool.queued);
    text('succeeded', c.succeeded);
    text('failed', c.failed);
    text('crashes', c.crashes);
    var restarts = Object.keys(c.restarts).filter(function (k) { return c.restarts[k] > 0; })
      .map(function (k) { return k + ' ' + c.restarts[k]; });
    text('restarts', restarts.length ? restarts.join(', ') : '0');
    workers(pool.workers);
    maps(pool.maps || []);
    slow(pool.slowCalls || []);
    failures(pool.recentFailures || []);
    var err = $('startup-error');
    err.hidden = !pool.lastStartupError;
    err.textContent = pool.lastStartupError ? 'last worker start-up failure: ' + pool.lastStartupError : '';
  }

  function poll() {
    fetch(source, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (pool) {
        render(pool);
        $('status').textContent = 'live';
        $('status').className = 'pill ok';
        text('updated', 'updated ' + new Date().toLocaleTimeString());
      })
      .catch(function (e) {
        $('status').textContent = 'cannot read ' + source + ': ' + e.message;
        $('status').className = 'pill down';
      })
      .finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
