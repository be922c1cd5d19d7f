package org.linkway.referral.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.FieldError;
import org.linkway.events.Patient;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralRejected;
import org.linkway.events.ReferralRequested;
import org.linkway.platform.Events;
import org.linkway.platform.ProblemException.FieldProblem;
import org.linkway.platform.observability.Traceparent;
import org.linkway.referral.ReferralServiceApplication;

/**
 * Referral requests that GP systems write straight onto {@code referral-requests}, keyed by their
 * own request id. A valid request becomes ReferralSubmitted on {@code referrals}; an invalid one
 * becomes ReferralRejected on {@code referral-rejections} with every reason. A request id seen in
 * the last 24 hours is not submitted again.
 */
final class KafkaIntakeProcessor implements Processor<String, ReferralRequested, String, SpecificRecord> {

  static final String STORE = "referral-requests-seen";
  static final Duration REMEMBER = Duration.ofHours(24);

  private final ReferralIntake intake;
  private ProcessorContext<String, SpecificRecord> context;
  /** request key (practice/request id) to the time it was first received, epoch millis */
  private KeyValueStore<String, Long> seen;

  KafkaIntakeProcessor(ReferralIntake intake) {
    this.intake = intake;
  }

  /** How often requests older than {@link #REMEMBER} are forgotten. */
  static final Duration FORGET_EVERY = Duration.ofMinutes(10);

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.seen = context.getStateStore(STORE);
    context.schedule(FORGET_EVERY, PunctuationType.WALL_CLOCK_TIME, this::forgetOlderThanADay);
  }

  /** The store keeps a day of request ids, not every request ever received. */
  void forgetOlderThanADay(long now) {
    List<String> old = new java.util.ArrayList<>();
    try (KeyValueIterator<String, Long> all = seen.all()) {
      all.forEachRemaining(kv -> {
        if (now - kv.value >= REMEMBER.toMillis()) old.add(kv.key);
      });
    }
    old.forEach(seen::delete);
  }

  @Override
  public void process(Record<String, ReferralRequested> received) {
    // a GP system that sends no trace context: the referral's trace starts here
    Record<String, ReferralRequested> record = Traceparent.from(received.headers()).isPresent()
        ? received : received.withHeaders(Traceparent.newTrace().onto(received.headers()));
    ReferralRequested requested = record.value();
    String requestId = requested.getRequestId();
    ReferralRequest request = asRequest(requested);
    List<FieldProblem> problems = ReferralValidator.validate(request);
    if (requestId == null || requestId.isBlank()) {
      problems = new java.util.ArrayList<>(problems);
      problems.add(new FieldProblem("requestId", "is required"));
    }
    if (!problems.isEmpty()) {
      ReferralRejected rejected = new ReferralRejected(
          Events.causedBy(ReferralServiceApplication.NAME, requested.getMetadata(), "rejected"),
          requestId == null ? "" : requestId,
          problems.stream().map(p -> new FieldError(p.field(), p.reason())).toList());
      context.forward(record.withKey(record.key() == null ? String.valueOf(requestId) : record.key())
          .withValue((SpecificRecord) rejected));
      return;
    }
    String practice = request.referrer().odsCode();
    String seenKey = practice + "/" + requestId;
    Long firstSeen = seen.get(seenKey);
    long now = Instant.now().toEpochMilli();
    if (firstSeen != null && now - firstSeen < REMEMBER.toMillis()) {
      return; // the same request again: it is already a referral
    }
    seen.put(seenKey, now);
    UUID referralId = ReferralIntake.referralId(practice, requestId);
    var metadata = Events.causedBy(ReferralServiceApplication.NAME, requested.getMetadata(), "submitted");
    metadata = org.linkway.events.EventMetadata.newBuilder(metadata).setReferralId(referralId).build();
    ReferralIntake.Submission sealed = intake.submission(request, requestId);
    // the person's data key and the referral, in the same transaction
    context.forward(record.withKey(sealed.identity().recordKey()).withValue((SpecificRecord) sealed.identity().key()));
    ReferralEvent submitted = new ReferralEvent(metadata, sealed.submission());
    context.forward(record.withKey(referralId.toString()).withValue((SpecificRecord) submitted));
  }

  static ReferralRequest asRequest(ReferralRequested r) {
    Patient p = r.getPatient();
    return new ReferralRequest(
        p == null ? null : new ReferralRequest.Patient(p.getNhsNumber(), p.getGivenName(), p.getFamilyName(),
            p.getBirthDate() == null ? null : p.getBirthDate().toString(), p.getPostcode(), p.getPhone(), p.getEmail()),
        r.getConsent(),
        r.getReferrer() == null ? null : new ReferralRequest.Referrer(r.getReferrer().getOdsCode(), r.getReferrer().getClinician()),
        r.getCommissioner(), r.getNeeds(), r.getNotes(), r.getPreferredServiceId());
  }
}
