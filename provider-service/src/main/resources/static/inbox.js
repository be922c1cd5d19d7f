// The inbox's live offers (htmx's SSE extension swaps each in): an offer already on the page is not added
// again (the stream sends the waiting offers again when it connects); an offer no longer waiting for an
// answer ("gone": accepted, declined, expired, cancelled) leaves the list; and the page says what is happening.
(function () {
  function status(text) {
    var element = document.getElementById('live-status');
    if (element) element.textContent = text;
  }
  function showNone(none) {
    var element = document.getElementById('no-offers');
    if (element) element.hidden = !none;
  }
  document.addEventListener('htmx:sseBeforeMessage', function (event) {
    var message = event.detail || {};
    // the event's id starts with the referral's (then its attempt, moment and the stream's position)
    var referralId = message.lastEventId ? message.lastEventId.slice(0, 36) : null;
    var card = referralId ? document.getElementById('offer-' + referralId) : null;
    if (message.type === 'gone') {
      event.preventDefault();
      if (!card) return;
      var offers = card.parentNode;
      card.remove();
      if (offers && !offers.querySelector('li')) showNone(true);
      // the sentence comes as HTML (escaped, as htmx would swap it in): read as text, never as markup
      status(new DOMParser().parseFromString(message.data, 'text/html').body.textContent);
      return;
    }
    if (card) event.preventDefault();
  });
  document.addEventListener('htmx:sseMessage', function () {
    showNone(false);
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
