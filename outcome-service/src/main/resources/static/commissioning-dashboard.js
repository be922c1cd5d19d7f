// The commissioning dashboard's charts (Chart.js). Each figure[data-chart] is drawn from the table
// inside it, so the chart and its text figures cannot disagree: the columns whose <th> has
// data-series are plotted, one bar per row, from each cell's data-value. When htmx replaces a part
// of the page (its event stream said the ledger or an outcome changed), the charts are drawn again.
// The parts are fetched again while they are behind the live list (catchUp).
(function () {
  var colours = ['#005eb8', '#007f3b', '#ffb81c', '#d5281b', '#330072', '#768692'];

  function read(figure) {
    var table = figure.querySelector('table');
    var columns = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var series = columns.map(function (th, i) { return {th: th, i: i}; })
        .filter(function (c) { return c.th.hasAttribute('data-series'); });
    return {
      labels: rows.map(function (row) { return row.cells[0].textContent.trim(); }),
      datasets: series.map(function (c, n) {
        return {
          label: c.th.textContent.trim(),
          backgroundColor: colours[n % colours.length],
          data: rows.map(function (row) {
            var value = row.cells[c.i].getAttribute('data-value');
            return value === null || value === '' ? null : Number(value);
          })
        };
      })
    };
  }

  function draw(root) {
    if (!window.Chart) return;
    Chart.defaults.font.family = 'Arial, "Helvetica Neue", sans-serif';
    Chart.defaults.font.size = 14;
    Chart.defaults.color = '#212b32';
    root.querySelectorAll('figure[data-chart]').forEach(function (figure) {
      var canvas = figure.querySelector('canvas');
      var data = read(figure);
      var chart = Chart.getChart(canvas);
      if (chart) { chart.data = data; chart.update(); return; }
      var stacked = figure.getAttribute('data-chart') === 'stacked';
      new Chart(canvas, {
        type: 'bar',
        data: data,
        options: {
          indexAxis: stacked ? 'x' : 'y',
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: {
            x: {stacked: stacked, beginAtZero: true, ticks: stacked ? {} : {precision: 2}},
            y: {stacked: stacked, beginAtZero: true, ticks: stacked ? {precision: 0} : {}}
          },
          plugins: {legend: {position: 'bottom', display: data.datasets.length > 1 || stacked}}
        }
      });
    });
  }

  // a part about to be replaced takes its charts with it
  document.addEventListener('htmx:beforeSwap', function (event) {
    if (!window.Chart) return;
    event.detail.target.querySelectorAll('canvas').forEach(function (canvas) {
      var chart = Chart.getChart(canvas);
      if (chart) chart.destroy();
    });
  });
  // The budget, money and charts parts are read from views that follow the event stream a moment later.
  // Each part says which items of the live list it must reflect (data-follows), when the latest event it
  // reflects happened (data-shown-at) and, when it knew of a later one, when that happened (data-due-at).
  // While a part is behind the latest of those, it is fetched again: every half second, then every second,
  // for at most a minute after the page learnt of that event. Checked after every swap and every event, so
  // an event that arrives while a part is being fetched is not missed.
  var parts = {};

  function catchUp() {
    if (!window.htmx) return;
    document.querySelectorAll('[data-follows]').forEach(function (part) {
      var state = parts[part.id] || (parts[part.id] = {target: 0, tries: 0, timer: null});
      var target = Number(part.getAttribute('data-due-at') || 0);
      document.querySelectorAll('#live-list ' + part.getAttribute('data-follows')).forEach(function (item) {
        target = Math.max(target, Number(item.getAttribute('data-at') || 0));
      });
      if (target > state.target) { state.target = target; state.tries = 0; }
      if (Number(part.getAttribute('data-shown-at') || 0) >= state.target || state.tries >= 60 || state.timer) return;
      state.timer = setTimeout(function () {
        state.timer = null;
        state.tries++;
        var now = document.getElementById(part.id);
        if (now) htmx.trigger(now, 'behind');
      }, state.tries < 10 ? 500 : 1000);
    });
  }

  document.addEventListener('htmx:afterSettle', function () { draw(document); catchUp(); });
  document.addEventListener('htmx:sseMessage', catchUp);
  document.addEventListener('DOMContentLoaded', function () { draw(document); catchUp(); });
})();
