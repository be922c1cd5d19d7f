package org.linkway.referral.intake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.linkway.events.EventMetadata;
import org.linkway.events.FieldError;
import org.linkway.events.Patient;
import org.linkway.events.ReferralEvent;
import org.linkway.events.ReferralRejected;
import org.linkway.events.ReferralRequested;
import org.linkway.platform.kafka.AvroSerdes;
import org.linkway.platform.kafka.GpSystems;
import org.linkway.platform.observability.Traceparent;
import org.linkway.platform.streams.PartyView;
import org.linkway.platform.web.ProblemException.FieldProblem;
import org.linkway.referral.ReferralServiceApplication;

/**
 * Referral requests that one GP system writes straight onto its {@code referral-requests.<system>},
 * keyed by its own request id. A valid request, for a practice the system serves, becomes
 * ReferralSubmitted on {@code referrals}; any other becomes ReferralRejected on the system's
 * {@code referral-rejections.<system>} with every reason. What the record says of itself is not
 * trusted: the caller recorded in the audit trail is the GP system, and request ids are the
 * system's own (another system using the same id is another request). A request id seen in the
 * last 24 hours is not submitted again.
 */
final class KafkaIntakeProcessor extends ContextualProcessor<String, ReferralRequested, String, SpecificRecord> {

  static final String STORE = "referral-requests-seen";
  static final Duration REMEMBER = Duration.ofHours(24);

  private final ReferralIntake intake;
  private final String gpSystem;
  private final GpSystems gpSystems;
  /** request key (practice/request id) to the time it was first received, epoch millis */
  private KeyValueStore<String, Long> seen;

  KafkaIntakeProcessor(ReferralIntake intake, String gpSystem, GpSystems gpSystems) {
    this.intake = intake;
    this.gpSystem = gpSystem;
    this.gpSystems = gpSystems;
  }

  /** How often requests older than {@link #REMEMBER} are forgotten. */
  static final Duration FORGET_EVERY = Duration.ofMinutes(10);

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    super.init(context);
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
    // a GP system's headers go on with what its request causes, but none of the platform's own meaning
    PartyView.withoutRemoval(received.headers());
    received.headers().remove(AvroSerdes.READINESS_PROBE);
    // a GP system that sends no trace context: the referral's trace starts here
    Record<String, ReferralRequested> record = Traceparent.from(received.headers()).isPresent()
        ? received : received.withHeaders(Traceparent.newTrace().onto(received.headers()));
    ReferralRequested requested = record.value();
    String requestId = requested.getRequestId();
    ReferralRequest request = asRequest(requested);
    List<FieldProblem> problems = new java.util.ArrayList<>(ReferralValidator.validate(request));
    if (requestId == null || requestId.isBlank()) {
      problems.add(new FieldProblem("requestId", "is required"));
    }
    String practice = request.referrer() == null ? null : request.referrer().odsCode();
    if (problems.stream().noneMatch(p -> p.field().startsWith("referrer")) && !gpSystems.serves(gpSystem, practice)) {
      problems.add(new FieldProblem("referrer.odsCode", "is not a practice that GP system " + gpSystem
          + " refers for: a system refers for the practices it serves, as agreed with the platform's operator"));
    }
    if (!problems.isEmpty()) {
      String key = record.key() == null ? String.valueOf(requestId) : record.key();
      ReferralRejected rejected = new ReferralRejected(
          metadata(requested, "rejected/" + key + "/" + context().recordMetadata().map(m -> m.offset()).orElse(-1L), null),
          requestId == null ? "" : requestId,
          problems.stream().map(p -> new FieldError(p.field(), p.reason())).toList());
      context().forward(record.withKey(key).withValue((SpecificRecord) rejected));
      return;
    }
    String seenKey = gpSystem + "/" + practice + "/" + requestId;
    Long firstSeen = seen.get(seenKey);
    long now = Instant.now().toEpochMilli();
    if (firstSeen != null && now - firstSeen < REMEMBER.toMillis()) {
      return; // the same request again: it is already a referral
    }
    seen.put(seenKey, now);
    UUID referralId = ReferralIntake.kafkaReferralId(gpSystem, practice, requestId);
    var metadata = metadata(requested, "submitted/" + referralId, referralId);
    ReferralIntake.Submission sealed = intake.submission(request, requestId);
    // the person's data key and the referral, in the same transaction
    context().forward(record.withKey(sealed.identity().recordKey()).withValue((SpecificRecord) sealed.identity().key()));
    ReferralEvent submitted = new ReferralEvent(metadata, sealed.submission());
    context().forward(record.withKey(referralId.toString()).withValue((SpecificRecord) submitted));
  }

  /**
   * The metadata of what a request causes: its id derived from this system's request (so a redelivery
   * gives the same id, and no system can make its events collide with another's), and the GP system as
   * the actor, whatever the record claims.
   */
  private EventMetadata metadata(ReferralRequested requested, String what, UUID referralId) {
    EventMetadata cause = requested.getMetadata();
    return EventMetadata.newBuilder()
        .setEventId(UUID.nameUUIDFromBytes(("referral-request/kafka/" + gpSystem + "/" + what).getBytes(StandardCharsets.UTF_8)))
        .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
        .setReferralId(referralId)
        .setCorrelationId(cause == null || cause.getCorrelationId() == null ? what : cause.getCorrelationId())
        .setProducer(ReferralServiceApplication.NAME)
        .setActor(actor(gpSystem))
        .build();
  }

  /** How the audit trail names a GP system writing on Kafka. */
  static String actor(String gpSystem) {
    return "gp-system " + gpSystem;
  }

  static ReferralRequest asRequest(ReferralRequested r) {
    Patient p = r.getPatient();
    return new ReferralRequest(
        p == null ? null : new ReferralRequest.Patient(p.getNhsNumber(), p.getGivenName(), p.getFamilyName(),
            p.getBirthDate() == null ? null : p.getBirthDate().toString(), p.getPostcode(), p.getPhone(), p.getEmail()),
        r.getConsent(),
        r.getReferrer() == null ? null : new ReferralRequest.Referrer(r.getReferrer().getOdsCode(), r.getReferrer().getClinician()),
        r.getCommissioner(), r.getNeeds(), r.getNotes(), r.getPreferredServiceId(),
        r.getDirectPrescription());
  }
}
