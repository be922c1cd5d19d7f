// The commissioning dashboard's charts (Chart.js). Each figure[data-chart] is drawn from the table
// inside it, so the chart and its text figures cannot disagree: the columns whose <th> has
// data-series are plotted, one bar per row, from each cell's data-value. When htmx replaces a part
// of the page (its event stream said the ledger or an outcome changed), the charts are drawn again.
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
  document.addEventListener('htmx:afterSettle', function () { draw(document); });
  document.addEventListener('DOMContentLoaded', function () { draw(document); });
})();
