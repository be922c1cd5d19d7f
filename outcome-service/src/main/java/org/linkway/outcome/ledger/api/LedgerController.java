package org.linkway.outcome.ledger.api;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.ledger.api.LedgerQueries.LedgerEntry;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.PageRequest;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;

/** The commissioner's view of the money: the ledger entries and a summary. */
@RestController
public class LedgerController {

  record Summary(String commissioner, Map<String, Long> referralsByStatus, BigDecimal committed, BigDecimal due,
      BigDecimal released, BigDecimal reserved, String currency) {}

  private final StoreQueries stores;
  private final LedgerQueries ledger;
  private final LiveStreams liveStreams;

  LedgerController(StoreQueries stores, LedgerQueries ledger, LiveStreams liveStreams) {
    this.stores = stores;
    this.ledger = ledger;
    this.liveStreams = liveStreams;
  }

  /**
   * Ledger entries as they are made, resumable with {@code Last-Event-ID}, until the caller's token
   * expires; one of the caller's live streams. On connecting with no {@code Last-Event-ID}, the newest
   * {@value LedgerQueries#PAGE} entries come first, oldest of them first (the rest is read a page at a time from
   * {@code /ledger}); with one, what followed it ({@link LedgerQueries#events}).
   */
  @GetMapping(path = "/commissioners/{code}/ledger/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Flux<ServerSentEvent<LedgerEntry>> stream(@PathVariable String code,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    return liveStreams.ofCaller(ledger.events(code, lastEventId));
  }

  /**
   * With {@code ?referralId=}, that referral's entries, oldest first. Without, one page of the commissioner's entries,
   * newest first ({@code ?limit=}, {@value LedgerQueries#PAGE} unless given, at most {@value PageRequest#MAX_LIMIT});
   * the page after is linked from the {@code Link} header ({@code rel="next"}, with {@code ?after=}). A bad cursor or
   * limit is a 400 naming it.
   */
  @GetMapping("/commissioners/{code}/ledger")
  public List<LedgerEntry> ledger(@PathVariable String code, @RequestParam(required = false) String referralId,
      @RequestParam(required = false) String after, @RequestParam(required = false) String limit,
      ServerWebExchange exchange) {
    if (referralId != null) return ledger.ofReferral(code, referralId);
    PageRequest page = PageRequest.of(after, limit, LedgerQueries.PAGE, PartyView.CURSOR);
    LedgerQueries.LedgerPage found = ledger.ledger(code, page);
    page.linkNext(exchange.getRequest(), exchange.getResponse(), found.next());
    return found.entries();
  }

  /** The commissioner's referrals by status and its money, from its running totals ({@link CommissionerTotals}). */
  @GetMapping("/commissioners/{code}/summary")
  Summary summary(@PathVariable String code) {
    CommissionerTotals.Totals t = CommissionerTotals.of(stores, code);
    return new Summary(code, t.byStatus(), t.committed(), t.due(), t.released(),
        t.committed().subtract(t.due()).subtract(t.released()), "GBP");
  }
}
