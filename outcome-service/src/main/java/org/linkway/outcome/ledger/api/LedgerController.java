package org.linkway.outcome.ledger.api;

import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.outcome.ledger.stream.FundingProcessor;
import org.linkway.outcome.ledger.stream.LedgerFeed;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.LedgerEvent;
import org.linkway.events.PaymentDue;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;
import org.linkway.outcome.ResumableStream;
import org.linkway.platform.security.LiveStreams;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import reactor.core.publisher.Flux;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The commissioner's view of the money: the ledger entries and a summary. */
@RestController
public class LedgerController {

  public record LedgerEntry(UUID entryId, String referralId, String providerId, String serviceId, String contractId,
      String type, String milestone, BigDecimal amount, String currency, Instant occurredAt, String reason) {}

  record Summary(String commissioner, Map<String, Long> referralsByStatus, BigDecimal committed, BigDecimal due,
      BigDecimal released, BigDecimal reserved, String currency) {}

  private final StoreQueries stores;
  private final LedgerFeed feed;
  private final LiveStreams liveStreams;

  LedgerController(StoreQueries stores, LedgerFeed feed, LiveStreams liveStreams) {
    this.stores = stores;
    this.feed = feed;
    this.liveStreams = liveStreams;
  }

  /**
   * Ledger entries as they are made, resumable with {@code Last-Event-ID}, until the caller's token
   * expires; one of the caller's live streams.
   */
  @GetMapping(path = "/commissioners/{code}/ledger/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Flux<ServerSentEvent<LedgerEntry>> stream(@PathVariable String code,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
    return liveStreams.ofCaller(events(code, lastEventId));
  }

  /** The commissioner's ledger entries, those made after {@code lastEventId} first, then as they are made. */
  public Flux<ServerSentEvent<LedgerEntry>> events(String code, String lastEventId) {
    return ResumableStream.of("ledger",
        feed.events().filter(e -> code.equals(commissioner(e))),
        () -> FundingProcessor.ofCommissioner(stores, code).stream().flatMap(s -> s.getLedger().stream()).toList(),
        ResumableStream.Keys.ofMetadata(LedgerEvent::getMetadata),
        lastEventId, e -> entry(String.valueOf(e.getMetadata().getReferralId()), e));
  }

  private static String commissioner(LedgerEvent e) {
    Object p = e.getPayload();
    if (p instanceof FundingCommitted c) return c.getCommissioner();
    if (p instanceof PaymentDue d) return d.getCommissioner();
    return ((FundingReleased) p).getCommissioner();
  }

  @GetMapping("/commissioners/{code}/ledger")
  public List<LedgerEntry> ledger(@PathVariable String code, @RequestParam(required = false) String referralId) {
    List<FundingState> states = referralId != null
        ? stores.<FundingState>get(FundingProcessor.STORE, referralId).filter(s -> code.equals(s.getCommissioner()))
            .map(List::of).orElse(List.of())
        : FundingProcessor.ofCommissioner(stores, code);
    return states.stream()
        .flatMap(s -> s.getLedger().stream().map(e -> entry(s.getReferralId().toString(), e)))
        .sorted(Comparator.comparing(LedgerEntry::occurredAt).thenComparing(LedgerEntry::referralId))
        .toList();
  }

  @GetMapping("/commissioners/{code}/summary")
  Summary summary(@PathVariable String code) {
    List<FundingState> states = FundingProcessor.ofCommissioner(stores, code);
    Map<String, Long> byStatus = new TreeMap<>();
    for (ReferralStatus status : ReferralStatus.values()) {
      if (status != ReferralStatus.UNKNOWN) byStatus.put(status.name(), 0L);
    }
    states.forEach(s -> byStatus.merge(s.getStatus().name(), 1L, Long::sum));
    BigDecimal committed = total(states, FundingCommitted.class);
    BigDecimal due = total(states, PaymentDue.class);
    BigDecimal released = total(states, FundingReleased.class);
    return new Summary(code, byStatus, committed, due, released, committed.subtract(due).subtract(released), "GBP");
  }

  private static BigDecimal total(List<FundingState> states, Class<?> type) {
    return states.stream().map(s -> FundingRules.sum(s.getLedger(), type)).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
  }

  private static LedgerEntry entry(String referralId, LedgerEvent e) {
    Object p = e.getPayload();
    UUID id = e.getMetadata().getEventId();
    Instant at = e.getMetadata().getOccurredAt();
    if (p instanceof FundingCommitted c) {
      return new LedgerEntry(id, referralId, c.getProviderId(), c.getServiceId(), c.getContractId(), "COMMITTED",
          null, c.getAmount(), c.getCurrency(), at, null);
    }
    if (p instanceof PaymentDue d) {
      return new LedgerEntry(id, referralId, d.getProviderId(), d.getServiceId(), d.getContractId(), "PAYMENT_DUE",
          d.getMilestone().name(), d.getAmount(), d.getCurrency(), at, null);
    }
    FundingReleased r = (FundingReleased) p;
    return new LedgerEntry(id, referralId, r.getProviderId(), r.getServiceId(), r.getContractId(), "RELEASED",
        null, r.getAmount(), r.getCurrency(), at, r.getReason());
  }
}
