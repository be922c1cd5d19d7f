// The little the pages do in the browser beyond htmx: send the form token with htmx's requests,
// and count down to each offer's deadline (elements with data-deadline, an ISO instant).
document.addEventListener('htmx:configRequest', function (event) {
  var header = document.querySelector('meta[name="csrf-header"]');
  var token = document.querySelector('meta[name="csrf-token"]');
  if (header && token) event.detail.headers[header.content] = token.content;
});

function linkwayCountdowns() {
  document.querySelectorAll('[data-deadline]').forEach(function (element) {
    var left = Math.floor((Date.parse(element.dataset.deadline) - Date.now()) / 1000);
    if (isNaN(left)) return;
    if (left <= 0) { element.textContent = 'time is up'; element.classList.add('overdue'); return; }
    var days = Math.floor(left / 86400), hours = Math.floor(left % 86400 / 3600);
    var minutes = Math.floor(left % 3600 / 60), seconds = left % 60;
    element.textContent = days > 0 ? days + ' days ' + hours + ' hours left'
        : hours > 0 ? hours + ' hours ' + minutes + ' minutes left'
        : minutes + ' minutes ' + seconds + ' seconds left';
  });
}
setInterval(linkwayCountdowns, 1000);
document.addEventListener('DOMContentLoaded', linkwayCountdowns);
document.addEventListener('htmx:afterSettle', linkwayCountdowns);
