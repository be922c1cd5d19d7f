// The inbox's live offers (htmx's SSE extension swaps each in): an offer already on the page is not added
// again (the stream sends the waiting offers again when it connects), and the page says what is happening.
(function () {
  function status(text) {
    var element = document.getElementById('live-status');
    if (element) element.textContent = text;
  }
  document.addEventListener('htmx:sseBeforeMessage', function (event) {
    var id = event.detail && event.detail.lastEventId;
    if (id && document.getElementById('offer-' + id)) event.preventDefault();
  });
  document.addEventListener('htmx:sseMessage', function () {
    var none = document.getElementById('no-offers');
    if (none) none.remove();
    status('A new offer has arrived. It is at the top of the list.');
  });
  document.addEventListener('htmx:sseOpen', function () {
    var offers = document.getElementById('offers');
    if (offers) offers.setAttribute('data-live', 'connected');
    status('New offers appear here as they arrive.');
  });
  document.addEventListener('htmx:sseError', function () {
    var offers = document.getElementById('offers');
    if (offers) offers.setAttribute('data-live', 'reconnecting');
    status('New offers cannot reach this page at the moment: trying again. Reload the page to check for new offers.');
  });
})();
