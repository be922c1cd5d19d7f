package org.linkway.outcome.ledger.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.LedgerEvent;
import org.linkway.events.PaymentDue;
import org.linkway.outcome.ledger.stream.CommissionerFunding;
import org.linkway.outcome.ledger.stream.FundingProcessor;
import org.linkway.outcome.ledger.stream.LedgerFeed;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.ResumableStream;
import org.linkway.state.FundingState;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * A commissioner's ledger entries, those made so far and those made from now on: what the API answers
 * ({@link LedgerController}) and the dashboard shows. Reads the funding store and follows the ledger's
 * feed, so holding two is as good as one.
 */
@Component
public class LedgerQueries {

  public record LedgerEntry(UUID entryId, String referralId, String providerId, String serviceId, String contractId,
      String type, String milestone, BigDecimal amount, String currency, Instant occurredAt, String reason,
      String financialYear) {}

  private final StoreQueries stores;
  private final LedgerFeed feed;

  LedgerQueries(StoreQueries stores, LedgerFeed feed) {
    this.stores = stores;
    this.feed = feed;
  }

  /** The commissioner's ledger entries, those made after {@code lastEventId} first, then as they are made. */
  public Flux<ServerSentEvent<LedgerEntry>> events(String code, String lastEventId) {
    return ResumableStream.of(feed, e -> code.equals(commissioner(e)), e -> "ledger",
        missed -> CommissionerFunding.of(stores, code).stream().flatMap(s -> s.getLedger().stream()).filter(missed).toList(),
        lastEventId, e -> entry(String.valueOf(e.getMetadata().getReferralId()), e));
  }

  /** The commissioner's ledger entries (of one referral, or of all), oldest first. */
  public List<LedgerEntry> ledger(String code, String referralId) {
    return entries(referralId != null
        ? stores.<FundingState>get(FundingProcessor.STORE, referralId).filter(s -> code.equals(s.getCommissioner()))
            .map(List::of).orElse(List.of())
        : CommissionerFunding.of(stores, code));
  }

  /** The ledger entries of the funding {@code states}, oldest first. */
  public static List<LedgerEntry> entries(List<FundingState> states) {
    return states.stream()
        .flatMap(s -> s.getLedger().stream().map(e -> entry(s.getReferralId().toString(), e)))
        .sorted(Comparator.comparing(LedgerEntry::occurredAt).thenComparing(LedgerEntry::referralId))
        .toList();
  }

  /** The funding state of each of the commissioner's referrals: its ledger and the outcomes reported. */
  public List<FundingState> states(String code) {
    return CommissionerFunding.of(stores, code);
  }

  private static String commissioner(LedgerEvent e) {
    Object p = e.getPayload();
    if (p instanceof FundingCommitted c) return c.getCommissioner();
    if (p instanceof PaymentDue d) return d.getCommissioner();
    return ((FundingReleased) p).getCommissioner();
  }

  private static LedgerEntry entry(String referralId, LedgerEvent e) {
    Object p = e.getPayload();
    UUID id = e.getMetadata().getEventId();
    Instant at = e.getMetadata().getOccurredAt();
    if (p instanceof FundingCommitted c) {
      return new LedgerEntry(id, referralId, c.getProviderId(), c.getServiceId(), c.getContractId(), "COMMITTED",
          null, c.getAmount(), c.getCurrency(), at, null, c.getFinancialYear());
    }
    if (p instanceof PaymentDue d) {
      return new LedgerEntry(id, referralId, d.getProviderId(), d.getServiceId(), d.getContractId(), "PAYMENT_DUE",
          d.getMilestone().name(), d.getAmount(), d.getCurrency(), at, null, d.getFinancialYear());
    }
    FundingReleased r = (FundingReleased) p;
    return new LedgerEntry(id, referralId, r.getProviderId(), r.getServiceId(), r.getContractId(), "RELEASED",
        null, r.getAmount(), r.getCurrency(), at, r.getReason(), r.getFinancialYear());
  }
}
