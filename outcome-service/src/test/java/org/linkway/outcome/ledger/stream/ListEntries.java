package org.linkway.outcome.ledger.stream;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.linkway.events.Completion;
import org.linkway.events.EventMetadata;
import org.linkway.events.FundingCommitted;
import org.linkway.events.LedgerEvent;
import org.linkway.events.Milestone;
import org.linkway.events.OutcomeReported;
import org.linkway.events.PaymentDue;
import org.linkway.platform.kafka.Events;
import org.linkway.state.FundingState;
import org.linkway.state.ReferralStatus;

/** Ledger entries, outcomes and the funding states carrying them, for the tests of a commissioner's lists. */
public final class ListEntries {

  private ListEntries() {}

  public static FundingState state(String commissioner, UUID referral, List<LedgerEvent> ledger, List<OutcomeReported> outcomes) {
    return FundingState.newBuilder().setReferralId(referral).setCommissioner(commissioner)
        .setStatus(ReferralStatus.ACCEPTED).setLedger(new ArrayList<>(ledger)).setOutcomes(new ArrayList<>(outcomes))
        .setAppliedEventIds(new ArrayList<>()).build();
  }

  public static LedgerEvent committed(String commissioner, UUID referral, Instant at) {
    return new LedgerEvent(metadata(referral, at),
        new FundingCommitted(commissioner, "c-1", "p-1", "s-1", new BigDecimal("120.00"), "GBP", "2026-27"));
  }

  public static LedgerEvent due(String commissioner, UUID referral, Instant at) {
    return new LedgerEvent(metadata(referral, at), new PaymentDue(commissioner, "c-1", "p-1", "s-1", Milestone.ENGAGEMENT,
        new BigDecimal("50.00"), "GBP", "2026-27"));
  }

  public static OutcomeReported outcome(String commissioner, UUID referral, Instant at) {
    return OutcomeReported.newBuilder().setMetadata(metadata(referral, at))
        .setCommissioner(commissioner).setPersonId("p-0123456789abcdef").setProviderId("p-1").setServiceId("s-1")
        .setNeeds(List.of()).setCompletion(Completion.COMPLETED).setSessionsAttended(2).setMeasures(List.of())
        .build();
  }

  public static EventMetadata metadata(UUID referral, Instant at) {
    return EventMetadata.newBuilder(Events.metadata("outcome-service", referral, null)).setOccurredAt(at).build();
  }
}
