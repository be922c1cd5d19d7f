package org.linkway.outcome.ledger.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.LedgerEvent;
import org.linkway.events.PaymentDue;
import org.linkway.outcome.budgets.BudgetRules;
import org.linkway.outcome.ledger.stream.ArchivedFunding;
import org.linkway.outcome.ledger.stream.CommissionerLists;
import org.linkway.outcome.ledger.stream.FundingProcessor;
import org.linkway.outcome.ledger.stream.LedgerFeed;
import org.linkway.platform.streams.Position;
import org.linkway.platform.streams.StoreQueries;
import org.linkway.platform.web.PageRequest;
import org.linkway.platform.web.ProblemException;
import org.linkway.platform.web.ResumableStream;
import org.linkway.state.FundingState;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * A commissioner's ledger entries, those made so far and those made from now on: what the API answers
 * ({@link LedgerController}) and the dashboard shows. Reads the commissioner's list of entries, newest first, a page
 * at a time ({@link CommissionerLists#LEDGER}), one referral's by key, and follows the ledger's feed, so holding two is
 * as good as one.
 */
@Component
public class LedgerQueries {

  /**
   * A page of the ledger unless {@code ?limit=} says otherwise, and the most a live stream sends from the list on
   * connecting without an id it can resume from.
   */
  public static final int PAGE = 100;

  public record LedgerEntry(UUID entryId, String referralId, String providerId, String serviceId, String contractId,
      String type, String milestone, BigDecimal amount, String currency, Instant occurredAt, String reason,
      String financialYear) {}

  /** A page of the commissioner's entries, newest first, and the cursor of the page after (null: none follows). */
  public record LedgerPage(List<LedgerEntry> entries, String next) {}

  private final StoreQueries stores;
  private final LedgerFeed feed;

  LedgerQueries(StoreQueries stores, LedgerFeed feed) {
    this.stores = stores;
    this.feed = feed;
  }

  /**
   * The commissioner's ledger entries as they are made ({@link ResumableStream#of}). With no {@code lastEventId}, the
   * newest {@value #PAGE} entries come first (oldest of them first), then the new ones: never the whole ledger. With
   * an id that carries a position, exactly the entries after it, read from the topic. With an id that carries none (or
   * a position too far back to read from), the entries after it among those newest {@value #PAGE}: all of them when it
   * is not among them.
   */
  public Flux<ServerSentEvent<LedgerEntry>> events(String code, String lastEventId) {
    return ResumableStream.of(feed, e -> code.equals(BudgetRules.commissioner(e)), e -> "ledger",
        missed -> newest(code, PAGE).stream().filter(missed).toList(), lastEventId, LedgerQueries::entry);
  }

  /** One page of the commissioner's ledger entries, newest first. */
  public LedgerPage ledger(String code, PageRequest page) {
    StoreQueries.Page<LedgerEvent> found = CommissionerLists.page(stores, CommissionerLists.LEDGER, code, page.after(),
        page.limit());
    return new LedgerPage(found.values().stream().map(LedgerQueries::entry).toList(), found.next());
  }

  /** The commissioner's newest {@code limit} ledger entries, newest first. */
  public List<LedgerEvent> newest(String code, int limit) {
    return CommissionerLists.page(stores, CommissionerLists.LEDGER, code, null, limit).values();
  }

  /**
   * The ledger entries of one referral of the commissioner's, oldest first (none if it is not the commissioner's). One
   * of the commissioner's whose funding was archived ({@link ArchivedFunding}) is gone: 410, saying when it ended and
   * was archived.
   */
  public List<LedgerEntry> ofReferral(String code, String referralId) {
    Optional<FundingState> state = stores.<FundingState>get(FundingProcessor.STORE, referralId);
    if (state.isEmpty()) {
      Optional<ArchivedFunding> archived = ArchivedFunding.of(stores, code, referralId);
      if (archived.isPresent()) throw new ProblemException.Gone(archived.get().explained(referralId));
    }
    return entries(state.filter(s -> code.equals(s.getCommissioner())).map(List::of).orElse(List.of()));
  }

  /** The ledger entries of the funding {@code states}, oldest first. */
  static List<LedgerEntry> entries(List<FundingState> states) {
    return states.stream()
        .flatMap(s -> s.getLedger().stream().map(LedgerQueries::entry))
        .sorted(Comparator.comparing(LedgerEntry::occurredAt).thenComparing(LedgerEntry::referralId))
        .toList();
  }

  /**
   * Where this instance's reader of the ledger's feed is now (empty before it has a position in every partition): a
   * page shown with entries read after this resumes its stream from here ({@link ResumableStream#idAt}).
   */
  public Optional<Position> feedPosition() {
    return feed.position();
  }

  /** An entry as the API shows it. */
  public static LedgerEntry entry(LedgerEvent e) {
    String referralId = String.valueOf(e.getMetadata().getReferralId());
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
