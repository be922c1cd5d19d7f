package org.linkway.outcome.ledger.stream;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.outcome.ledger.domain.FundingRules;
import org.linkway.outcome.opendata.OpenDataEntries;
import org.linkway.outcome.timecredits.Wallets;
import org.linkway.platform.kafka.Topics;
import org.linkway.platform.streams.GlobalTables;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.streams.Retention;
import org.linkway.platform.streams.RetentionSettings;
import org.linkway.platform.streams.ViewFill;
import org.linkway.state.FundingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides each referral's events from {@code referrals} and {@code provider-events} by {@link FundingRules}: reads
 * the referral's funding state, decides, writes what the events write and keeps the state they evolve to. Ledger
 * events go out keyed by referralId, outcome reports keyed by commissioner, and each new state to the views kept
 * from it: the commissioner's ({@link CommissionerFunding}, and its lists of entries and outcomes, {@link
 * CommissionerLists}), the open-data entries ({@link OpenDataEntries}) and the wallets ({@link Wallets}); the state and the outputs commit in one transaction, so a redelivered or reprocessed
 * input never makes a payment due twice.
 *
 * <p>What has ended does not stay ({@link Retention}, {@link RetentionSettings}): a referral's funding ends when the
 * referral does (completed, cancelled, unplaced, declined by the person: its {@code endedAt}); by then nothing is left
 * reserved (the end pays what is earned and releases the rest), and what the rules still take after the end (an
 * acceptance read after the cancel, committed and released at once; a completion read after the cancel, reported; Time
 * Credits logged late) is taken for {@code linkway.retention.ended}. Then the state leaves {@link #STORE} and every view
 * kept from it: it is sent on once more with the {@link PartyView#removal} headers, so the commissioner's funding view,
 * its lists of entries and outcomes and the open-data entries drop it while the running totals, statements' lines,
 * breakdown and open-data cells keep its figures, and the commissioner's archived figures ({@link ArchivedFunding#TALLY})
 * gain them; the person's Time Credits wallet keeps what they earned in it (the wallet is the person's, its balance the
 * sum of its entries). A short note stays ({@link ArchivedFunding}) until {@code linkway.retention.identities} after
 * the end, and an input for an archived referral decides nothing, with a log line: it is never committed or paid again.
 */
public final class FundingProcessor extends ContextualProcessor<String, SpecificRecord, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(FundingProcessor.class);

  /** The funding store, where outcome-service keeps each referral's funding and outcomes. */
  public static final String STORE = "funding-state";

  /**
   * Per task, whether every state it held has been sent to each view once: a store
   * filled before the view existed fills it at its first start, then never again.
   */
  static final String VIEW_FILLED = "funding-view-filled";

  /** The referrals of the task whose funding has ended, by when ({@link Retention}): each is archived in time. */
  public static final String ENDED = "funding-ended";

  /** The archived referrals, by when they ended: each one's {@link ArchivedFunding} note is dropped in time. */
  public static final String ARCHIVE_DUE = "funding-archive-due";

  private final Retention hot;
  private final Retention notes;
  /** The funding rules over the contracts of the global table in this processor's context, on the system clock. */
  private FundingRules rules;
  private KeyValueStore<String, FundingState> funding;
  private KeyValueStore<String, String> ended;
  private KeyValueStore<String, String> archiveDue;
  private KeyValueStore<String, String> archive;

  /** {@code retention}: how long an ended referral's funding stays, and its note after it. */
  FundingProcessor(RetentionSettings retention) {
    this.hot = new Retention(ENDED, retention.ended());
    this.notes = new Retention(ARCHIVE_DUE, retention.identities());
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
    this.rules = new FundingRules(GlobalTables.in(context, Topics.FUNDING_CONTRACTS), Clock.systemUTC());
    this.funding = context.getStateStore(STORE);
    this.ended = context.getStateStore(ENDED);
    this.archiveDue = context.getStateStore(ARCHIVE_DUE);
    this.archive = context.getStateStore(ArchivedFunding.STORE);
    for (String view : List.of(CommissionerFunding.STORE, OpenDataEntries.STORE, Wallets.STORE, CommissionerLists.FILL)) {
      ViewFill.<FundingState>once(context, VIEW_FILLED, view, STORE,
          (referralId, state) -> context.forward(new Record<String, SpecificRecord>(referralId, state, context.currentSystemTimeMs())));
    }
    hot.<FundingState>fillOnce(context, VIEW_FILLED, STORE, FundingProcessor::endedAt, state -> "");
    // one punctuation, archiving before dropping notes, so that a referral whose two times come in one sweep is archived first
    context.schedule(hot.every(), PunctuationType.WALL_CLOCK_TIME, now -> sweep(Instant.ofEpochMilli(now)));
  }

  /** Archives the referrals ended long enough ago, then drops the notes of those ended long enough ago. */
  void sweep(Instant now) {
    hot.sweep(ended, now, (referralId, endedAt, nothing) -> archive(referralId, endedAt, now));
    notes.sweep(archiveDue, now, (referralId, endedAt, nothing) -> {
      // both times in one sweep (both settings alike): archived above, its note needed no longer
      archive.delete(referralId);
    });
  }

  /**
   * The referral's funding leaves the state store and its views ({@link PartyView#removal}: not a change of it, so the
   * running totals keep its figures), and a note of it is kept until its identity's time.
   */
  private void archive(String referralId, Instant endedAt, Instant now) {
    FundingState state = funding.get(referralId);
    if (state == null) return;
    funding.delete(referralId);
    context().forward(new Record<String, SpecificRecord>(referralId, state, now.toEpochMilli(), PartyView.removal()));
    String commissioner = state.getCommissioner() == null ? "" : state.getCommissioner();
    archive.put(referralId, new ArchivedFunding(endedAt, now, state.getStatus().name(), commissioner).text());
    notes.ended(archiveDue, endedAt, referralId, "");
  }

  /**
   * When the referral's funding ended: when the referral did; empty while it is live. A state that ended before its end
   * was kept ({@code endedAt}, added later) ended no earlier than the last thing written for it: its last entry or
   * outcome, else its acceptance or submission (the epoch if it has none, so it is archived at the first sweep).
   */
  static Optional<Instant> endedAt(FundingState state) {
    if (state.getEndedAt() != null) return Optional.of(state.getEndedAt());
    if (!FundingRules.ended(state.getStatus())) return Optional.empty();
    return Optional.of(java.util.stream.Stream.of(
            state.getLedger().stream().map(entry -> entry.getMetadata().getOccurredAt()),
            state.getOutcomes().stream().map(outcome -> outcome.getMetadata().getOccurredAt()),
            java.util.stream.Stream.of(state.getAcceptedAt(), state.getSubmittedAt()))
        .flatMap(times -> times).filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(Instant.EPOCH));
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    Optional<FundingRules.Input> input = FundingRules.Input.of(record.value());
    if (input.isEmpty()) return;
    // the input's headers go on with the state to the views: only this processor's archiving takes it out of them
    PartyView.withoutRemoval(record.headers());
    FundingState before = funding.get(record.key());
    if (before == null) {
      String archived = archive.get(record.key());
      if (archived != null) {
        // a redelivered or late event of a referral archived: a fresh state would commit and pay it again
        String explained = ArchivedFunding.parse(archived).explained(record.key());
        if (input.get().kind() == FundingRules.Input.Kind.TIME_CREDITS) {
          // provider-service refuses credits for an offer it archived; these crossed the two archivings (a minute apart
          // at most, one sweep each): the person's wallet does not get them, and an operator is told
          log.warn("Time Credits passed over, not in the person's wallet: {}", explained);
        } else {
          log.info("{} passed over: {}", input.get().kind(), explained);
        }
        return;
      }
    }
    List<FundingRules.Event> events = rules.decide(input.get(), before);
    FundingState after = rules.evolve(before, events);
    if (after == before) return;
    funding.put(record.key(), after);
    if ((before == null || before.getEndedAt() == null) && after.getEndedAt() != null) {
      // ended by this input (an ended referral stays ended, so it is noted once)
      hot.ended(ended, after.getEndedAt(), record.key(), "");
    }
    // the state itself goes on too, to the commissioner's view (CommissionerFunding)
    context().forward(record.withValue(after));
    for (FundingRules.Event event : events) {
      FundingRules.written(event).ifPresent(entry -> context().forward(record.withValue((SpecificRecord) entry)
          .withTimestamp(entry.getMetadata().getOccurredAt().toEpochMilli())));
      FundingRules.reported(event).ifPresent(outcome -> context().forward(record.withKey(outcome.getCommissioner())
          .withValue((SpecificRecord) outcome).withTimestamp(outcome.getMetadata().getOccurredAt().toEpochMilli())));
    }
  }
}
