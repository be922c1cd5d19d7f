package org.linkway.outcome.statements;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingCommitted;
import org.linkway.events.FundingReleased;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.PaymentDue;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/** Hand-built funding states for the tests: one referral's ledger, entry by entry. */
final class Ledgers {

  static final String COMMISSIONER = "QMM";
  static final String CONTRACT = "qmm-p1-2026";
  static final Instant APRIL = Instant.parse("2026-04-15T10:00:00Z");

  private final UUID referralId;
  private String commissioner = COMMISSIONER;
  private ReferralStatus status = ReferralStatus.ACCEPTED;
  private String providerId = "p1";
  private String serviceId = "svc-1";
  private String contractId = CONTRACT;
  private Instant at = APRIL;
  private String financialYear;
  private final List<LedgerEvent> ledger = new ArrayList<>();

  private Ledgers(UUID referralId) {
    this.referralId = referralId;
  }

  /** A referral with a random id. */
  static Ledgers referral() {
    return new Ledgers(UUID.randomUUID());
  }

  /** A referral with a fixed id, for output compared to the letter. */
  static Ledgers referral(String uuid) {
    return new Ledgers(UUID.fromString(uuid));
  }

  static BigDecimal money(String amount) {
    return new BigDecimal(amount);
  }

  Ledgers commissioner(String code) {
    this.commissioner = code;
    return this;
  }

  Ledgers status(ReferralStatus status) {
    this.status = status;
    return this;
  }

  /** The provider, service and contract of the entries that follow. */
  Ledgers provider(String providerId, String serviceId, String contractId) {
    this.providerId = providerId;
    this.serviceId = serviceId;
    this.contractId = contractId;
    return this;
  }

  /** The time of the entries that follow. */
  Ledgers at(String instant) {
    this.at = Instant.parse(instant);
    return this;
  }

  /** The financial year recorded on the entries that follow; null (as before budgets) by default. */
  Ledgers year(String financialYear) {
    this.financialYear = financialYear;
    return this;
  }

  Ledgers committed(String amount) {
    return entry(new FundingCommitted(commissioner, contractId, providerId, serviceId, money(amount), "GBP", financialYear));
  }

  Ledgers due(Milestone milestone, String amount) {
    return entry(new PaymentDue(commissioner, contractId, providerId, serviceId, milestone, money(amount), "GBP", financialYear));
  }

  Ledgers released(String amount) {
    return entry(new FundingReleased(commissioner, contractId, providerId, serviceId, money(amount), "GBP", financialYear, "test"));
  }

  private Ledgers entry(Object payload) {
    EventMetadata meta = EventMetadata.newBuilder()
        .setEventId(UUID.randomUUID())
        .setOccurredAt(at)
        .setReferralId(referralId)
        .setCorrelationId(referralId.toString())
        .setProducer("outcome-service")
        .build();
    ledger.add(new LedgerEvent(meta, payload));
    return this;
  }

  FundingState build() {
    return FundingState.newBuilder()
        .setReferralId(referralId)
        .setCommissioner(commissioner)
        .setStatus(status)
        .setProviderId(providerId)
        .setServiceId(serviceId)
        .setLedger(new ArrayList<>(ledger))
        .setOutcomes(new ArrayList<>())
        .setAppliedEventIds(new ArrayList<>())
        .build();
  }
}
