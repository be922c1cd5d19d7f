package org.linkway.outcome.ledger.api;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.linkway.outcome.analytics.CommissionerTotals;
import org.linkway.outcome.ledger.api.LedgerQueries.LedgerEntry;
import org.linkway.platform.security.LiveStreams;
import org.linkway.platform.streams.StoreQueries;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
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
   * expires; one of the caller's live streams.
   */
  @GetMapping(path = "/commissioners/{code}/ledger/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Flux<ServerSentEvent<LedgerEntry>> stream(@PathVariable String code,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    return liveStreams.ofCaller(ledger.events(code, lastEventId));
  }

  @GetMapping("/commissioners/{code}/ledger")
  public List<LedgerEntry> ledger(@PathVariable String code, @RequestParam(required = false) String referralId) {
    return ledger.ledger(code, referralId);
  }

  /** The commissioner's referrals by status and its money, from its running totals ({@link CommissionerTotals}). */
  @GetMapping("/commissioners/{code}/summary")
  Summary summary(@PathVariable String code) {
    CommissionerTotals.Totals t = CommissionerTotals.of(stores, code);
    return new Summary(code, t.byStatus(), t.committed(), t.due(), t.released(),
        t.committed().subtract(t.due()).subtract(t.released()), "GBP");
  }
}
